using System.Globalization;
using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Evaluation.Robustness;
using StbImageWriteSharp;

// scripts/monitor-week.sh's helper:
//   days STAGES OUT PER_DAY DEGREES...
//     from the digits Ingest read (STAGES/Ingest) that are in none of Preprocess's splits (STAGES/Preprocess), so no day
//     repeats a training, validation or test image: one folder OUT/day-N/<label>/N-NNNN.png of PER_DAY digits per DEGREES
//     value, day N's rotated by the N-th value, alternately clockwise and anticlockwise.
if (args is not ["days", var stages, var output, var perDayText, .. var degreesTexts] || degreesTexts.Length == 0)
{
    Console.Error.WriteLine("usage: days STAGES OUT PER_DAY DEGREES...");
    return 2;
}

var (perDay, degrees) = (Parse(perDayText), degreesTexts.Select(d => double.Parse(d, CultureInfo.InvariantCulture)).ToArray());
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

static int Parse(string text) => int.Parse(text, CultureInfo.InvariantCulture);

static LabelledImages Load(string stages, string stage, string set) =>
    IdxFile.Load(Path.Combine(stages, stage, DatasetFiles.Images(set)), Path.Combine(stages, stage, DatasetFiles.Labels(set)));
