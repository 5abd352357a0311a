using System.Globalization;
using CsvHelper;
using DigitForge.Kit.Tables;

namespace DigitForge.HackerNews.Stories;

/// <summary>
/// The stories CSV of the pipeline (the bundled snapshot, the API's stories, the train and test
/// splits): header <c>id,title,url,comments,points,author,created_at</c>, created_at in ISO-8601
/// UTC to the second, RFC-4180 quoting only where needed, LF line ends, gzipped when the name ends
/// in .gz. The same stories in the same order always give the same bytes.
/// </summary>
public static class StoryFile
{
    public static readonly IReadOnlyList<string> Columns = ["id", "title", "url", "comments", "points", "author", "created_at"];

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    /// <summary>Reads every story; throws <see cref="StoryFormatException"/> at the first bad value or a repeated id.</summary>
    public static List<Story> Read(string path)
    {
        try
        {
            using var csv = CsvReader.Create(StoryStreams.OpenRead(path), CsvFormat.Reader, leaveOpen: false);
            var header = csv.Headers;
            if (!header.SequenceEqual(Columns))
            {
                throw new StoryFormatException(path, 1, null, $"expected the header '{string.Join(',', Columns)}', got '{string.Join(',', header)}'");
            }

            var stories = new List<Story>();
            var firstLineOfId = new Dictionary<long, long>();
            while (csv.Read())
            {
                var record = new RecordFields(csv, path);
                var story = record.ToStory();
                if (!firstLineOfId.TryAdd(story.Id, record.Line))
                {
                    throw new StoryFormatException(path, record.Line, "id", $"id {story.Id} appears twice (first on line {firstLineOfId[story.Id]})");
                }

                stories.Add(story);
            }

            return stories;
        }
        catch (CsvFormatException ex)
        {
            throw new StoryFormatException(path, ex.LineNumber, null, ex.Message);
        }
        catch (InvalidDataException ex)
        {
            throw new StoryFormatException(path, 0, null, $"not a readable gzip file ({ex.Message})");
        }
    }

    /// <summary>Writes the stories in the order given, replacing <paramref name="path"/> only once all are written.</summary>
    public static void Write(string path, IEnumerable<Story> stories) =>
        StoryStreams.WriteAtomically(path, stream =>
        {
            using var csv = CsvWriter.Create(stream, CsvFormat.Writer, leaveOpen: true);
            csv.WriteRecord([.. Columns]);
            foreach (var story in stories)
            {
                csv.WriteRecord(
                [
                    story.Id.ToString(CultureInfo.InvariantCulture),
                    story.Title,
                    story.Url ?? string.Empty,
                    story.Comments.ToString(CultureInfo.InvariantCulture),
                    story.Points.ToString(CultureInfo.InvariantCulture),
                    story.Author ?? string.Empty,
                    FormatTime(story.CreatedAt),
                ]);
            }
        });

    /// <summary>The file's form of a time: UTC, whole seconds.</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>The fields of the current record, parsed with errors that name the line and column.</summary>
    private readonly struct RecordFields
    {
        private readonly CsvReader csv;
        private readonly string path;

        public RecordFields(CsvReader csv, string path)
        {
            this.csv = csv;
            this.path = path;
            Line = csv.LineNumber;
            if (csv.FieldCount != Columns.Count)
            {
                throw new StoryFormatException(path, Line, null, $"expected {Columns.Count} fields ({string.Join(',', Columns)}), got {csv.FieldCount}");
            }
        }

        public long Line { get; }

        public Story ToStory() => new(
            Id: Whole(0, minimum: 1),
            Title: Text(1),
            Url: TextOrNull(2),
            Points: (int)Whole(4, minimum: 0),
            Comments: (int)Whole(3, minimum: 0),
            Author: TextOrNull(5),
            CreatedAt: Time(6));

        private long Whole(int column, long minimum)
        {
            var text = csv.GetString(column);
            var maximum = column == 0 ? long.MaxValue : int.MaxValue;
            return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum
                ? value
                : throw Problem(column, $"expected a whole number from {minimum} to {maximum}, got '{text}'");
        }

        private string Text(int column)
        {
            var text = csv.GetString(column);
            return string.IsNullOrWhiteSpace(text) ? throw Problem(column, "expected a non-empty text") : text;
        }

        private string? TextOrNull(int column)
        {
            var text = csv.GetString(column);
            return text.Length == 0 ? null : text;
        }

        private DateTimeOffset Time(int column)
        {
            var text = csv.GetString(column);
            return DateTimeOffset.TryParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                ? time
                : throw Problem(column, $"expected an ISO-8601 UTC time like 2016-05-28T19:51:00Z, got '{text}'");
        }

        private StoryFormatException Problem(int column, string problem) => new(path, Line, Columns[column], problem);
    }
}
