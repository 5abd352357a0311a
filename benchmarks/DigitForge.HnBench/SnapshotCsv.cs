using System.Globalization;
using System.IO.Compression;
using System.Text;
using DigitForge.HackerNews.Stories;

namespace DigitForge.HnBench;

/// <summary>
/// A minimal reader of the 20,000-story snapshot (<c>id,title,url,num_points,num_comments,author,created_at</c>,
/// gzip, times like <c>5/28/2016 19:51</c> in UTC) for this benchmark only; the product's reader lives elsewhere.
/// </summary>
internal static class SnapshotCsv
{
    public static IReadOnlyList<Story> Read(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var records = Records(reader.ReadToEnd()).ToList();
        var header = string.Join(',', records[0]);
        if (header != "id,title,url,num_points,num_comments,author,created_at")
            throw new InvalidDataException($"{path}: unexpected header {header}");
        return [.. records.Skip(1).Select((r, i) => ToStory(r, i + 2, path))];
    }

    private static Story ToStory(IReadOnlyList<string> r, int line, string path)
    {
        if (r.Count != 7)
            throw new InvalidDataException($"{path}: record {line} has {r.Count} fields, expected 7");
        var created = DateTime.ParseExact(r[6], "M/d/yyyy H:mm", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return new Story(
            long.Parse(r[0], CultureInfo.InvariantCulture), r[1], r[2].Length == 0 ? null : r[2],
            int.Parse(r[3], CultureInfo.InvariantCulture), int.Parse(r[4], CultureInfo.InvariantCulture),
            r[5].Length == 0 ? null : r[5], new DateTimeOffset(created, TimeSpan.Zero));
    }

    // RFC 4180: fields may be quoted, quotes doubled inside, line breaks allowed inside quotes.
    private static IEnumerable<List<string>> Records(string text)
    {
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"')
                    field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"')
                    field.Append(text[++i]);
                else
                    quoted = false;
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    i++;
                record.Add(field.ToString());
                field.Clear();
                yield return record;
                record = [];
            }
            else
                field.Append(c);
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            yield return record;
        }
    }
}
