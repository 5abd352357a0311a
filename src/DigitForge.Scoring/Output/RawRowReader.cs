using System.Text.Json;

namespace DigitForge.Scoring.Output;

/// <summary>
/// Reads an output file's rows as the bytes the run wrote, each with its path, so merged shards are
/// copied byte for byte rather than written again. CSV records are parsed on one stream (quoted paths
/// may hold commas and line feeds) and copied from a second one up to where each record ends.
/// </summary>
internal sealed class RawRowReader : IDisposable
{
    private readonly Stream parsed;
    private readonly Stream raw;
    private readonly CsvRecordReader? csv;
    private readonly LineReader? lines;
    private long copied;

    public RawRowReader(string path, ResultFormat format)
    {
        parsed = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        raw = new BufferedStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read), 1 << 16);
        if (format == ResultFormat.Csv)
        {
            csv = new CsvRecordReader(parsed);
            Header = csv.Next() is null ? [] : Copy(csv.CompleteLength);
        }
        else
        {
            lines = new LineReader(parsed);
            Header = [];
        }
    }

    /// <summary>The CSV header line's bytes (empty for JSON Lines, or an empty file).</summary>
    public byte[] Header { get; }

    public string Path { get; private set; } = string.Empty;

    public byte[] Row { get; private set; } = [];

    /// <summary>True once the file was found to end inside a row (a run killed mid-write).</summary>
    public bool TornTail => csv?.TornTail ?? lines!.TornTail;

    /// <summary>Moves to the next complete row; false at the end. A row without a path is an <see cref="InvalidDataException"/>.</summary>
    public bool Next()
    {
        if (csv is not null)
        {
            if (csv.Next() is not { } fields)
            {
                return false;
            }

            Path = fields[0];
            Row = Copy(csv.CompleteLength);
        }
        else
        {
            if (lines!.Next() is not { } line)
            {
                return false;
            }

            Path = JsonPath(line) ?? string.Empty;
            Row = Copy(lines.CompleteLength);
        }

        return Path.Length > 0 ? true : throw new InvalidDataException("a row without a path");
    }

    public void Dispose()
    {
        parsed.Dispose();
        raw.Dispose();
    }

    private static string? JsonPath(ReadOnlyMemory<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("path", out var path) && path.ValueKind == JsonValueKind.String
                ? path.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private byte[] Copy(long end)
    {
        var bytes = new byte[end - copied];
        raw.ReadExactly(bytes);
        copied = end;
        return bytes;
    }
}
