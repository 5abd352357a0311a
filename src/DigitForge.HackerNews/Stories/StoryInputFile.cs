using System.Globalization;
using System.Text.Json;
using CsvHelper;
using DigitForge.Kit.Tables;

namespace DigitForge.HackerNews.Stories;

/// <summary>
/// Reads the stories a user wants scored, from CSV (a header with at least <c>title</c>; <c>id</c>,
/// <c>url</c> and <c>created_at</c> or <c>time</c> optional, in any order and case) or JSON Lines
/// (objects with at least <c>title</c>; <c>id</c>, <c>url</c>, <c>time</c> in unix seconds or
/// <c>created_at</c>; other fields, such as those of Hacker News API items, are ignored).
/// A bad row becomes an error row and reading goes on; only a file that cannot be read at all throws.
/// </summary>
public static class StoryInputFile
{
    // A user's file may have short rows or stray quotes: each becomes an error row, not a failed file.
    private static readonly CsvReaderOptions ReaderOptions = CsvFormat.Reader with
    {
        FieldCountMismatch = CsvFieldCountHandling.Allow,
        MalformedData = CsvReaderOptions.Default.MalformedData,
    };

    public static List<StoryInputRow> Read(string path)
    {
        string text;
        try
        {
            using var reader = new StreamReader(StoryStreams.OpenRead(path));
            text = reader.ReadToEnd();
        }
        catch (InvalidDataException ex)
        {
            throw new StoryFormatException(path, 0, null, $"not a readable gzip file ({ex.Message})");
        }

        return IsJsonLines(path, text) ? ReadJsonLines(text) : ReadCsv(path, text);
    }

    private static bool IsJsonLines(string path, string text)
    {
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return Path.GetExtension(name).ToLowerInvariant() switch
        {
            ".jsonl" or ".ndjson" or ".json" => true,
            ".csv" => false,
            _ => text.TrimStart().StartsWith('{'),
        };
    }

    private static List<StoryInputRow> ReadJsonLines(string text)
    {
        var rows = new List<StoryInputRow>();
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            if (!string.IsNullOrWhiteSpace(lines[index]))
            {
                rows.Add(ReadJsonLine(rows.Count + 1, index + 1, lines[index]));
            }
        }

        return rows;
    }

    private static StoryInputRow ReadJsonLine(int row, long line, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            return StoryInputRow.Invalid(row, line, $"not valid JSON ({ex.Message})");
        }

        using (document)
        {
            var item = document.RootElement;
            if (item.ValueKind != JsonValueKind.Object)
            {
                return StoryInputRow.Invalid(row, line, $"expected a JSON object, got {item.ValueKind.ToString().ToLowerInvariant()}");
            }

            return ReadJsonItem(row, line, item);
        }
    }

    private static StoryInputRow ReadJsonItem(int row, long line, JsonElement item)
    {
        if (!item.TryGetProperty("title", out var title) || title.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(title.GetString()))
        {
            return StoryInputRow.Invalid(row, line, "no title (a non-empty string 'title' is required)");
        }

        long? id = null;
        if (Present(item, "id", out var idValue))
        {
            if (idValue.ValueKind != JsonValueKind.Number || !idValue.TryGetInt64(out var number) || number <= 0)
            {
                return StoryInputRow.Invalid(row, line, $"'id': expected a positive whole number, got {idValue.GetRawText()}");
            }

            id = number;
        }

        string? url = null;
        if (Present(item, "url", out var urlValue))
        {
            if (urlValue.ValueKind != JsonValueKind.String)
            {
                return StoryInputRow.Invalid(row, line, $"'url': expected a string, got {urlValue.GetRawText()}");
            }

            url = urlValue.GetString() is { Length: > 0 } text ? text : null;
        }

        DateTimeOffset? created = null;
        if (Present(item, "created_at", out var createdValue))
        {
            if (createdValue.ValueKind != JsonValueKind.String || !StoryTimes.TryParseLenient(createdValue.GetString()!, out var time))
            {
                return StoryInputRow.Invalid(row, line, $"'created_at': expected a date and time like \"2016-05-28T19:51:00Z\", got {createdValue.GetRawText()}");
            }

            created = time;
        }
        else if (Present(item, "time", out var timeValue))
        {
            if (timeValue.ValueKind != JsonValueKind.Number || !timeValue.TryGetInt64(out var seconds) || !StoryTimes.TryFromUnixSeconds(seconds, out var time))
            {
                return StoryInputRow.Invalid(row, line, $"'time': expected unix seconds, got {timeValue.GetRawText()}");
            }

            created = time;
        }

        return StoryInputRow.Valid(row, line, new StoryInput(id, title.GetString()!, url, created));
    }

    /// <summary>Whether an optional field is given: absent and null both mean it is not.</summary>
    private static bool Present(JsonElement item, string name, out JsonElement value) =>
        item.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static List<StoryInputRow> ReadCsv(string path, string text)
    {
        // A quote that is never closed swallows the rest of the file into one record: that record is an error row.
        var unterminatedLines = new HashSet<long>();
        var options = ReaderOptions with
        {
            OnMalformedRecord = record =>
            {
                if (record.Reason == CsvMalformedReason.UnterminatedQuote)
                {
                    unterminatedLines.Add(record.LineNumber);
                }
            },
        };
        using var csv = CsvReader.FromText(text, options);
        var header = csv.Headers.Select(name => name.Trim().ToLowerInvariant()).ToList();
        var title = header.IndexOf("title");
        if (title < 0)
        {
            throw new StoryFormatException(path, 1, null, $"expected a header with a 'title' column (and optionally id, url, created_at or time), got '{string.Join(',', csv.Headers)}'");
        }

        var id = header.IndexOf("id");
        var url = header.IndexOf("url");
        var time = header.IndexOf("created_at") is var createdAt and >= 0 ? createdAt : header.IndexOf("time");
        var rows = new List<StoryInputRow>();
        while (csv.Read())
        {
            var row = rows.Count + 1;
            var line = csv.LineNumber;
            rows.Add(
                unterminatedLines.Contains(line) ? StoryInputRow.Invalid(row, line, "a quoted field is never closed (it runs to the end of the file)")
                : csv.FieldCount != header.Count ? StoryInputRow.Invalid(row, line, $"expected {header.Count} fields as in the header, got {csv.FieldCount}")
                : ReadCsvRow(csv, row, line, header, title, id, url, time));
        }

        return rows;
    }

    private static StoryInputRow ReadCsvRow(CsvReader csv, int row, long line, List<string> header, int title, int id, int url, int time)
    {
        var titleText = csv.GetString(title);
        if (string.IsNullOrWhiteSpace(titleText))
        {
            return StoryInputRow.Invalid(row, line, "no title");
        }

        long? storyId = null;
        if (id >= 0 && csv.GetString(id) is { Length: > 0 } idText)
        {
            if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed <= 0)
            {
                return StoryInputRow.Invalid(row, line, $"'id': expected a positive whole number, got '{idText}'");
            }

            storyId = parsed;
        }

        DateTimeOffset? created = null;
        if (time >= 0 && csv.GetString(time) is { Length: > 0 } timeText)
        {
            if (!StoryTimes.TryParseLenient(timeText, out var parsed))
            {
                return StoryInputRow.Invalid(row, line, $"'{header[time]}': expected unix seconds or a date and time like 2016-05-28T19:51:00Z, got '{timeText}'");
            }

            created = parsed;
        }

        var urlText = url >= 0 ? csv.GetString(url) : string.Empty;
        return StoryInputRow.Valid(row, line, new StoryInput(storyId, titleText, urlText.Length == 0 ? null : urlText, created));
    }
}
