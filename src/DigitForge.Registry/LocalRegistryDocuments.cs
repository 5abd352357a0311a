using DigitForge.Registry.Store;

namespace DigitForge.Registry;

/// <summary>
/// <c>registry.json</c> in a folder: every change takes an exclusive OS lock, re-reads the file, applies,
/// and writes atomically plus a <c>.bak</c> copy; a damaged file is refused, never rewritten.
/// </summary>
public sealed class LocalRegistryDocuments : IRegistryDocuments
{
    private readonly RegistryFile file;
    private readonly TimeSpan lockTimeout;

    public LocalRegistryDocuments(ModelStore store, string path, TimeSpan? lockTimeout = null)
    {
        file = new RegistryFile(Path.GetFullPath(path), store);
        this.lockTimeout = lockTimeout ?? TimeSpan.FromMinutes(1);
    }

    public string Location => file.Path;

    public string BackupPath => file.BackupPath;

    public RegistryDocument Read() => file.Read();

    // Time stamp and size; a file system with coarse time stamps may miss a change, so pollers re-read now and then.
    public string? ChangeToken()
    {
        var info = new FileInfo(file.Path);
        return info.Exists ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{info.LastWriteTimeUtc.Ticks}:{info.Length}") : null;
    }

    public T Mutate<T>(Func<RegistryDocument, T> change)
    {
        var directory = Path.GetDirectoryName(file.Path)!;
        using var registryLock = ExclusiveLock.Acquire(Path.Combine(directory, $".{Path.GetFileName(file.Path)}.lock"), lockTimeout, file.Path);
        file.CleanTemporaries();
        var document = file.Read();
        var result = change(document);
        file.Write(document);
        return result;
    }
}
