using System.Globalization;
using DigitForge.Engine.Storage;

namespace DigitForge.Engine.Hashing;

/// <summary>
/// Keeps each stage type's code hashes (<see cref="CodeReach"/>) in a file, with the size and write
/// time of every assembly file its walk read: while none of them changed, a build reuses the hashes
/// instead of walking again. A file that cannot be read or written only costs the walk.
/// </summary>
public sealed class CodeHashCache(string path)
{
    public SortedDictionary<string, string> Of(Type stage) => Of(
        string.IsNullOrEmpty(stage.Assembly.Location) ? throw new InvalidOperationException($"{stage.Assembly.GetName().Name} has no file to read") : stage.Assembly.Location,
        stage.FullName ?? throw new ArgumentException($"{stage} has no full name", nameof(stage)));

    /// <summary>The hashes of what the type named <paramref name="typeName"/> in the assembly at <paramref name="assemblyPath"/> reaches.</summary>
    public SortedDictionary<string, string> Of(string assemblyPath, string typeName)
    {
        var key = $"{Path.GetFullPath(assemblyPath)}|{typeName}";
        var entries = Read();
        if (entries.TryGetValue(key, out var entry) && entry.Files.All(f => Stamp(f.Key) == f.Value))
        {
            return entry.Hashes;
        }

        var reach = CodeReach.From(assemblyPath, typeName);
        entries[key] = new Entry(new SortedDictionary<string, string>(reach.Files.ToDictionary(f => f, Stamp), StringComparer.Ordinal), reach.Hashes);
        if (Directory.Exists(Path.GetDirectoryName(path)))
        {
            try
            {
                JsonFile.Write(path, entries);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Read-only artifacts: the hashes are right, only not kept for the next build.
            }
        }

        return reach.Hashes;
    }

    private SortedDictionary<string, Entry> Read()
    {
        try
        {
            return File.Exists(path) ? JsonFile.Read<SortedDictionary<string, Entry>>(path) : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return [];
        }
    }

    private static string Stamp(string file)
    {
        var info = new FileInfo(file);
        return info.Exists ? $"{info.Length}:{info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)}" : "absent";
    }

    private sealed record Entry(SortedDictionary<string, string> Files, SortedDictionary<string, string> Hashes);
}
