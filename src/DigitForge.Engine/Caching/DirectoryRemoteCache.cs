using DigitForge.Engine.Storage;
using System.IO.Compression;

namespace DigitForge.Engine.Caching;

/// <summary>
/// A remote cache in a folder (a network share, a mounted bucket, a CI cache directory): one
/// <c>&lt;fingerprint&gt;.zip</c> per entry, written to a temporary name and renamed, so readers
/// see a whole archive or none. Documents are files under their names, written the same way.
/// </summary>
public sealed class DirectoryRemoteCache(string directory) : IRemoteCache
{
    public string Directory { get; } = Path.GetFullPath(directory);

    public string Name => Directory;

    public bool TryPull(string fingerprint, string destination)
    {
        var archive = ArchiveOf(fingerprint);
        try
        {
            if (!File.Exists(archive))
            {
                return false;
            }

            CacheArchive.Extract(File.OpenRead(archive), destination);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RemoteCacheException($"cannot read {archive}: {ex.Message}", ex);
        }
    }

    public void Push(string fingerprint, string folder)
    {
        var archive = ArchiveOf(fingerprint);
        try
        {
            AtomicFile.Write(archive, stream => CacheArchive.Create(folder, stream));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RemoteCacheException($"cannot write {archive}: {ex.Message}", ex);
        }
    }

    public void PutDocument(string name, string text) => Access(DocumentOf(name), path => AtomicFile.WriteAllText(path, text));

    public string? GetDocument(string name) => Access(DocumentOf(name), path => File.Exists(path) ? File.ReadAllText(path) : null);

    public IReadOnlyList<string> ListDocuments(string prefix)
    {
        var folder = Path.GetDirectoryName(DocumentOf(prefix + "x"))!;
        return Access(folder, path => System.IO.Directory.Exists(path)
            ? System.IO.Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).StartsWith('.'))
                .Select(f => Path.GetRelativePath(Directory, f).Replace('\\', '/'))
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList()
            : []);
    }

    private static T Access<T>(string path, Func<string, T> access)
    {
        try
        {
            return access(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RemoteCacheException($"cannot access {path}: {ex.Message}", ex);
        }
    }

    private static void Access(string path, Action<string> access) => Access(path, p =>
    {
        access(p);
        return true;
    });

    private string DocumentOf(string name) => Path.Combine([Directory, .. name.Split('/')]);

    private string ArchiveOf(string fingerprint) => Path.Combine(Directory, fingerprint + ".zip");
}

/// <summary>The one-file form of a cache entry that remotes store: a zip of the stage folder.</summary>
public static class CacheArchive
{
    public static void Create(string folder, Stream output) =>
        ZipFile.CreateFromDirectory(folder, output, CompressionLevel.Fastest, includeBaseDirectory: false);

    /// <summary>Extracts into a new folder; a corrupt archive is an <see cref="InvalidDataException"/>.</summary>
    public static void Extract(Stream input, string destination)
    {
        using (input)
        {
            ZipFile.ExtractToDirectory(input, destination);
        }
    }
}
