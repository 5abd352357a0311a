using System.Globalization;
using DigitForge.Engine.Storage;
using DigitForge.Registry.Store;

namespace DigitForge.Registry;

/// <summary>Reads and checks <c>registry.json</c>, and writes it together with its <c>.bak</c> copy.</summary>
internal sealed class RegistryFile(string path, ModelStore store)
{
    public string Path { get; } = path;

    /// <summary>A copy of the last successful write, to restore from if the registry is damaged later.</summary>
    public string BackupPath => Path + ".bak";

    /// <summary>The registry, empty when the file does not exist yet; a damaged file throws.</summary>
    public RegistryDocument Read()
    {
        if (!File.Exists(Path))
        {
            // Starting empty here would overwrite the backup with nothing on the next write.
            return File.Exists(BackupPath)
                ? throw new RegistryDamagedException(Path, "the file is missing but its backup exists", RestoreAdvice())
                : new RegistryDocument();
        }

        return TryRead(Path, out var problem) ?? throw new RegistryDamagedException(Path, problem!, RestoreAdvice());
    }

    public void Write(RegistryDocument document)
    {
        var text = RegistryJson.Serialize(document);
        AtomicFile.WriteAllText(Path, text);
        AtomicFile.WriteAllText(BackupPath, text);
    }

    /// <summary>Removes temporary files of writes killed midway. Call only while holding the registry lock.</summary>
    public void CleanTemporaries()
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        if (Directory.Exists(directory))
        {
            foreach (var leftover in Directory.EnumerateFiles(directory, $".{System.IO.Path.GetFileName(Path)}.*.tmp"))
            {
                File.Delete(leftover);
            }
        }
    }

    private RegistryDocument? TryRead(string file, out string? problem)
    {
        var document = RegistryJson.TryParse(File.ReadAllText(file), out problem);
        if (document is null)
        {
            return null;
        }

        problem = FolderProblem(document);
        return problem is null ? document : null;
    }

    // A deleted version's folder is gone by design; its entry is kept for audit.
    private string? FolderProblem(RegistryDocument document)
    {
        foreach (var entry in document.Versions.Where(e => e.Stage != ModelStage.Deleted))
        {
            var folder = System.IO.Path.Combine(store.Root, entry.Name);
            if (!Directory.Exists(folder))
            {
                return $"{entry.Name} is listed but its model folder {folder} does not exist (dangling version)";
            }
        }

        return null;
    }

    private string RestoreAdvice()
    {
        if (!File.Exists(BackupPath))
        {
            return $"There is no backup {BackupPath}: repair the file by hand.";
        }

        var backup = TryRead(BackupPath, out var problem);
        if (backup is null)
        {
            return $"The backup {BackupPath} cannot restore it ({problem}): repair the file by hand.";
        }

        var production = backup.Versions.FirstOrDefault(e => e.Stage == ModelStage.Production)?.Name ?? "none";
        return $"The backup {BackupPath} is good ({backup.Versions.Count.ToString(CultureInfo.InvariantCulture)} versions, production {production}, "
            + $"written {File.GetLastWriteTimeUtc(BackupPath):u}): check it, then copy it over {Path} to restore.";
    }
}
