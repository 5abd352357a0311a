using System.Globalization;
using System.Text;
using DigitForge.Engine.Storage;
using Newtonsoft.Json;

namespace DigitForge.HackerNews.Scoring;

public enum ScoreFormat
{
    /// <summary><c>row,id,title,predicted_comments,error</c> with a header line.</summary>
    Csv,

    /// <summary>One JSON object a line: <c>row</c>, <c>id</c>, <c>title</c> and <c>predicted_comments</c> or <c>error</c>.</summary>
    JsonLines,
}

/// <summary>How many results were written, and how many of them are errors.</summary>
public sealed record ScoreSummary(int Rows, int Errors);

/// <summary>Writes score results as CSV or JSON Lines: UTF-8, "\n" line endings, invariant numbers with two decimals.</summary>
public static class ScoreOutput
{
    /// <summary>Writes <paramref name="results"/> to <paramref name="path"/> atomically, streaming them (a reader sees the old file or the complete new one).</summary>
    public static ScoreSummary Write(string path, IEnumerable<ScoreResult> results, ScoreFormat format)
    {
        var summary = new ScoreSummary(0, 0);
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            summary = Write(writer, results, format);
        });
        return summary;
    }

    public static ScoreSummary Write(TextWriter writer, IEnumerable<ScoreResult> results, ScoreFormat format)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(results);
        if (format == ScoreFormat.Csv)
            writer.Write("row,id,title,predicted_comments,error\n");
        int rows = 0, errors = 0;
        foreach (var result in results)
        {
            writer.Write(format == ScoreFormat.Csv ? CsvLine(result) : JsonLine(result));
            writer.Write('\n');
            rows++;
            errors += result.Error is null ? 0 : 1;
        }

        writer.Flush();
        return new ScoreSummary(rows, errors);
    }

    private static string CsvLine(ScoreResult r) => string.Join(',',
        r.RowNumber.ToString(CultureInfo.InvariantCulture), Csv(r.Id), Csv(r.Title), Count(r.PredictedComments) ?? "", Csv(r.Error));

    private static string JsonLine(ScoreResult r)
    {
        var line = new StringBuilder();
        using (var json = new JsonTextWriter(new StringWriter(line, CultureInfo.InvariantCulture)) { Formatting = Formatting.None })
        {
            json.WriteStartObject();
            json.WritePropertyName("row");
            json.WriteValue(r.RowNumber);
            json.WritePropertyName("id");
            json.WriteValue(r.Id);
            json.WritePropertyName("title");
            json.WriteValue(r.Title);
            if (Count(r.PredictedComments) is { } count)
            {
                json.WritePropertyName("predicted_comments");
                json.WriteRawValue(count);
            }
            else
            {
                json.WritePropertyName("error");
                json.WriteValue(r.Error);
            }

            json.WriteEndObject();
        }

        return line.ToString();
    }

    private static string? Count(double? value) => value?.ToString("0.00", CultureInfo.InvariantCulture);

    // RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes.
    private static string Csv(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
