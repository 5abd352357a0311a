using System.Text.Json;
using System.Text.Json.Serialization;
using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Api;

/// <summary>
/// An append-only JSON Lines file of the items a fetch has already examined, one per line, so a
/// run after a crash asks the API only for the rest. A last line without its line break was cut
/// short by the crash: it is dropped and fetched again.
/// </summary>
internal sealed class FetchCheckpoint : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly FileStream file;
    private readonly Lock gate = new();

    private FetchCheckpoint(FileStream file, Dictionary<long, HackerNewsItem> items)
    {
        this.file = file;
        Items = items;
    }

    /// <summary>The items recorded by earlier runs.</summary>
    public IReadOnlyDictionary<long, HackerNewsItem> Items { get; }

    public static FetchCheckpoint Open(string path)
    {
        var items = new Dictionary<long, HackerNewsItem>();
        var bytes = File.Exists(path) ? File.ReadAllBytes(path) : [];
        var start = 0;
        for (var line = 1; Array.IndexOf(bytes, (byte)'\n', start) is var end and >= 0; line++)
        {
            if (end > start)
            {
                var item = Parse(path, line, bytes.AsSpan(start, end - start));
                items[item.Id] = item;
            }

            start = end + 1;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        Directory.CreateDirectory(directory!);
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        file.SetLength(start);
        file.Position = start;
        return new FetchCheckpoint(file, items);
    }

    public void Append(HackerNewsItem item)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(item, Json);
        lock (gate)
        {
            file.Write(line);
            file.WriteByte((byte)'\n');
            file.Flush();
        }
    }

    public void Dispose() => file.Dispose();

    private static HackerNewsItem Parse(string path, int line, ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize<HackerNewsItem>(json, Json) is { Id: > 0 } item
                ? item
                : throw new StoryFormatException(path, line, null, "expected a checkpoint entry with a positive 'id'");
        }
        catch (JsonException ex)
        {
            throw new StoryFormatException(path, line, null, $"not a checkpoint entry ({ex.Message}); delete the checkpoint to start over");
        }
    }
}
