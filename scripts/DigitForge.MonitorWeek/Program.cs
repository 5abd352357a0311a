using System.Globalization;
using System.Net;
using System.Text.Json;
using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Evaluation.Robustness;
using DigitForge.HackerNews.Stories;
using StbImageWriteSharp;

// scripts/monitor-week.sh's helper:
//   days STAGES OUT PER_DAY DEGREES...
//     from the digits Ingest read (STAGES/Ingest) that are in none of Preprocess's splits (STAGES/Preprocess), so no day
//     repeats a training, validation or test image: one folder OUT/day-N/<label>/N-NNNN.png of PER_DAY digits per DEGREES
//     value, day N's rotated by the N-th value, alternately clockwise and anticlockwise.
//   stories STORIES OUT FIRST_DAY PER_DAY FACTOR...
//     one file OUT/day-N.csv (id,title,url,created_at) of PER_DAY stories of STORIES per FACTOR value, renumbered from
//     90000000 and posted on day N (FIRST_DAY + N - 1), and each story's API item in OUT/items/ID.json: its comment count
//     the story's own times the day's FACTOR, as if the readers' habits changed.
//   serve ITEMS PORT
//     the Hacker News API's item and maxitem routes on 127.0.0.1:PORT from the ITEMS/ID.json files, until killed.
switch (args)
{
    case ["days", var stages, var output, var perDayText, .. var degreesTexts] when degreesTexts.Length > 0:
        return Days(stages, output, Parse(perDayText), [.. degreesTexts.Select(d => double.Parse(d, CultureInfo.InvariantCulture))]);
    case ["stories", var stories, var output, var firstDay, var perDayText, .. var factors] when factors.Length > 0:
        Stories(stories, output, DateOnly.Parse(firstDay, CultureInfo.InvariantCulture), Parse(perDayText), [.. factors.Select(f => double.Parse(f, CultureInfo.InvariantCulture))]);
        return 0;
    case ["serve", var items, var port]:
        Serve(items, Parse(port));
        return 0;
    default:
        Console.Error.WriteLine("usage: days STAGES OUT PER_DAY DEGREES... | stories STORIES OUT FIRST_DAY PER_DAY FACTOR... | serve ITEMS PORT");
        return 2;
}

static int Days(string stages, string output, int perDay, double[] degrees)
{
    var days = degrees.Length;
    var all = Load(stages, "Ingest", DatasetFiles.All);
    var used = new[] { DatasetFiles.Train, DatasetFiles.Validation, DatasetFiles.Test }
        .Select(set => Load(stages, "Preprocess", set))
        .SelectMany(images => Enumerable.Range(0, images.Count).Select(i => Convert.ToHexString(images.Image(i))))
        .ToHashSet(StringComparer.Ordinal);
    // Round-robin over the labels, so every day has each digit about as often.
    var unseen = Enumerable.Range(0, all.Count).Where(i => !used.Contains(Convert.ToHexString(all.Image(i))))
        .GroupBy(i => all.Labels[i])
        .SelectMany(label => label.Select((index, rank) => (index, rank)))
        .OrderBy(e => e.rank).ThenBy(e => all.Labels[e.index])
        .Select(e => e.index)
        .ToList();
    if (unseen.Count < days * perDay)
    {
        Console.Error.WriteLine($"error: {unseen.Count} digits are in no split, {days * perDay} needed");
        return 1;
    }

    var writer = new ImageWriter();
    var rotated = new byte[all.PixelsPerImage];
    for (var day = 1; day <= days; day++)
    {
        var folder = Path.Combine(output, $"day-{day}");
        for (var n = 0; n < perDay; n++)
        {
            var index = unseen[((day - 1) * perDay) + n];
            ImageShifts.RotateAndShift(all.Image(index), rotated, all.Rows, all.Columns, degrees[day - 1] * (n % 2 == 0 ? 1 : -1), 0, 0);
            var labelFolder = Path.Combine(folder, all.Labels[index].ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(labelFolder);
            using var file = File.Create(Path.Combine(labelFolder, string.Create(CultureInfo.InvariantCulture, $"{day}-{n:D4}.png")));
            writer.WritePng(rotated, all.Columns, all.Rows, ColorComponents.Grey, file);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{folder}: {perDay} digits rotated {degrees[day - 1]:0} degrees"));
    }

    return 0;
}

static void Stories(string source, string output, DateOnly firstDay, int perDay, double[] factors)
{
    var stories = StoryFile.Read(source);
    Directory.CreateDirectory(Path.Combine(output, "items"));
    for (var day = 1; day <= factors.Length; day++)
    {
        var date = new DateTimeOffset(firstDay.AddDays(day - 1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var lines = new List<string> { "id,title,url,created_at" };
        for (var n = 0; n < perDay; n++)
        {
            var story = stories[((day - 1) * perDay) + n];
            var id = 90_000_000 + ((day - 1) * perDay) + n;
            var posted = date.AddMinutes(n * 1440 / perDay);
            lines.Add(string.Join(',', id.ToString(CultureInfo.InvariantCulture), Csv(story.Title), Csv(story.Url ?? string.Empty), StoryFile.FormatTime(posted)));
            File.WriteAllText(Path.Combine(output, "items", $"{id}.json"), JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["by"] = story.Author,
                ["descendants"] = (int)Math.Round(story.Comments * factors[day - 1]),
                ["id"] = id,
                ["score"] = story.Points,
                ["time"] = posted.ToUnixTimeSeconds(),
                ["title"] = story.Title,
                ["type"] = "story",
                ["url"] = story.Url,
            }));
        }

        File.WriteAllLines(Path.Combine(output, $"day-{day}.csv"), lines);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.Combine(output, $"day-{day}.csv")}: {perDay} stories posted {date:yyyy-MM-dd}, comments x{factors[day - 1]}"));
    }
}

static string Csv(string text) => text.IndexOfAny([',', '"', '\n', '\r']) < 0 ? text : $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

static void Serve(string items, int port)
{
    using var listener = new HttpListener();
    listener.Prefixes.Add($"http://127.0.0.1:{port}/");
    listener.Start();
    var maxItem = Directory.GetFiles(items, "*.json").Max(f => long.Parse(Path.GetFileNameWithoutExtension(f), CultureInfo.InvariantCulture));
    while (true)
    {
        var context = listener.GetContext();
        var path = context.Request.Url!.AbsolutePath;
        var file = Path.Combine(items, Path.GetFileName(path));
        var body = path == "/v0/maxitem.json" ? maxItem.ToString(CultureInfo.InvariantCulture)
            : path.StartsWith("/v0/item/", StringComparison.Ordinal) && File.Exists(file) ? File.ReadAllText(file)
            : "null";
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        context.Response.ContentType = "application/json";
        context.Response.OutputStream.Write(bytes);
        context.Response.Close();
    }
}

static int Parse(string text) => int.Parse(text, CultureInfo.InvariantCulture);

static LabelledImages Load(string stages, string stage, string set) =>
    IdxFile.Load(Path.Combine(stages, stage, DatasetFiles.Images(set)), Path.Combine(stages, stage, DatasetFiles.Labels(set)));
