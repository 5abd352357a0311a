using System.Globalization;
using System.Text.Json;

namespace DigitForge.Scoring.Output;

/// <summary>
/// What an earlier run left in an output file, for <c>--resume</c>: the paths it already has a row for
/// (scored or failed), each row (for the summary), and where the last complete row ends, so a row torn
/// by a killed run is cut off before appending.
/// </summary>
public sealed class ExistingResults
{
    private ExistingResults(HashSet<string> paths, long completeLength, bool tornTail, bool hasHeader)
    {
        Paths = paths;
        CompleteLength = completeLength;
        TornTail = tornTail;
        HasHeader = hasHeader;
    }

    public IReadOnlySet<string> Paths { get; }

    public int Count => Paths.Count;

    /// <summary>Bytes up to the end of the last complete row (and header).</summary>
    public long CompleteLength { get; }

    /// <summary>True when the file ended inside a row, which the resumed run drops and scores again.</summary>
    public bool TornTail { get; }

    /// <summary>False for an empty CSV file, which still needs its header.</summary>
    public bool HasHeader { get; }

    /// <summary>Reads <paramref name="path"/>, passing each complete row to <paramref name="onRow"/>. A
    /// header for other columns, or a damaged row before the last, is a <see cref="ScoringSetupException"/>.</summary>
    public static ExistingResults Read(string path, ResultFormat format, int topK, Action<ScoredImage> onRow)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return format == ResultFormat.Csv ? ReadCsv(path, stream, topK, onRow) : ReadJsonLines(path, stream, onRow);
    }

    private static ExistingResults ReadCsv(string path, Stream stream, int topK, Action<ScoredImage> onRow)
    {
        var reader = new CsvRecordReader(stream);
        var paths = new HashSet<string>(StringComparer.Ordinal);
        var header = reader.Next();
        var expected = CsvResultWriter.Header(topK);
        if (header is not null && string.Join(',', header) != expected)
        {
            throw new ScoringSetupException(SetupProblem.Usage, $"--resume: {path} has the columns '{string.Join(',', header)}', but this run writes '{expected}' (--top-k {topK}); resume with the same settings or write to another --out");
        }

        var record = 1;
        while (reader.Next() is { } fields)
        {
            record++;
            var row = ParseCsv(fields, topK) ?? throw Damaged(path, $"record {record}", $"expected {4 + (2 * topK)} well-formed columns");
            paths.Add(row.Path);
            onRow(row);
        }

        return new ExistingResults(paths, reader.CompleteLength, reader.TornTail, header is not null);
    }

    private static ScoredImage? ParseCsv(List<string> fields, int topK)
    {
        if (fields.Count != 4 + (2 * topK) || fields[0].Length == 0)
        {
            return null;
        }

        var error = fields[^1];
        if (error.Length > 0)
        {
            return ScoredImage.Failure(fields[0], error);
        }

        if (!float.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return null;
        }

        var top = new List<LabelProbability>();
        for (var k = 0; k < topK && fields[3 + (2 * k)].Length > 0; k++)
        {
            if (!float.TryParse(fields[4 + (2 * k)], NumberStyles.Float, CultureInfo.InvariantCulture, out var probability))
            {
                return null;
            }

            top.Add(new LabelProbability(fields[3 + (2 * k)], probability));
        }

        return top.Count > 0 ? ScoredImage.Scored(fields[0], top) : null;
    }

    private static ExistingResults ReadJsonLines(string path, Stream stream, Action<ScoredImage> onRow)
    {
        var reader = new LineReader(stream);
        var paths = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        while (reader.Next() is { } line)
        {
            number++;
            ScoredImage? row;
            try
            {
                row = ParseJson(line);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                row = null;
            }

            if (row is null)
            {
                throw Damaged(path, $"line {number}", "not a result object");
            }

            paths.Add(row.Path);
            onRow(row);
        }

        return new ExistingResults(paths, reader.CompleteLength, reader.TornTail, hasHeader: true);
    }

    private static ScoredImage? ParseJson(ReadOnlyMemory<byte> line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("path", out var path) || path.GetString() is not { Length: > 0 } file)
        {
            return null;
        }

        if (root.TryGetProperty("error", out var error))
        {
            return ScoredImage.Failure(file, error.GetString() ?? string.Empty);
        }

        if (!root.TryGetProperty("top", out var top) || top.ValueKind != JsonValueKind.Array || top.GetArrayLength() == 0)
        {
            return null;
        }

        return ScoredImage.Scored(file, [.. top.EnumerateArray().Select(e => new LabelProbability(e.GetProperty("label").GetString()!, e.GetProperty("p").GetSingle()))]);
    }

    private static ScoringSetupException Damaged(string path, string where, string problem) =>
        new(SetupProblem.Input, $"--resume: {path}: {where} is damaged ({problem}); only the last row can be cut off by an interrupted run. Score into another --out");
}
