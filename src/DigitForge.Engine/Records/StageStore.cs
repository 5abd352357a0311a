using DigitForge.Engine.Hashing;
using DigitForge.Engine.Storage;

namespace DigitForge.Engine.Records;

/// <summary>
/// Committed stage folders under <c>&lt;root&gt;/&lt;Stage&gt;/</c>, each holding its outputs and
/// <c>stage.lock.json</c>. A run writes into a staging folder that replaces the committed one by
/// rename only once complete, so a killed run never leaves a folder that looks finished.
/// </summary>
public sealed class StageStore
{
    public const string RecordFileName = "stage.lock.json";
    private const string StagingFolder = ".staging";

    public StageStore(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string DirectoryOf(string stage) => Path.Combine(Root, stage);

    /// <summary>The committed record, or null with the reason it cannot be used.</summary>
    public StageRecord? TryRead(string stage, out string? problem)
    {
        var path = Path.Combine(DirectoryOf(stage), RecordFileName);
        problem = null;
        if (!File.Exists(path))
        {
            problem = "never run";
            return null;
        }

        try
        {
            var record = JsonFile.Read<StageRecord>(path);
            if (record.Schema != StageRecord.CurrentSchema || record.Stage != stage)
            {
                problem = $"record {path} is of another schema or stage";
                return null;
            }

            return record;
        }
        catch (InvalidDataException ex)
        {
            problem = $"record unreadable: {ex.Message}";
            return null;
        }
    }

    /// <summary>What is wrong with the committed outputs of <paramref name="record"/>; empty when intact.</summary>
    public IReadOnlyList<string> VerifyOutputs(StageRecord record)
    {
        var problems = new List<string>();
        var directory = DirectoryOf(record.Stage);
        foreach (var (file, hash) in record.Outputs)
        {
            var path = Path.Combine(directory, file);
            if (!File.Exists(path))
            {
                problems.Add($"output {file} missing");
            }
            else if (ContentHash.OfFile(path) != hash)
            {
                problems.Add($"output {file} modified");
            }
        }

        return problems;
    }

    /// <summary>A new empty folder to run <paramref name="stage"/> into.</summary>
    public string CreateStaging(string stage)
    {
        var path = Path.Combine(Root, StagingFolder, $"{stage}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Hashes every file under <paramref name="directory"/>, by '/'-separated relative path.</summary>
    public static SortedDictionary<string, string> HashOutputs(string directory)
    {
        var outputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
            if (relative != RecordFileName)
            {
                outputs[relative] = ContentHash.OfFile(file);
            }
        }

        return outputs;
    }

    /// <summary>Writes the record into the staging folder, then swaps it in for the committed folder.</summary>
    public void Commit(string staging, StageRecord record)
    {
        JsonFile.Write(Path.Combine(staging, RecordFileName), record);
        var target = DirectoryOf(record.Stage);
        var retired = Path.Combine(Root, StagingFolder, $"{record.Stage}-retired-{Guid.NewGuid():N}");
        if (Directory.Exists(target))
        {
            // Between these two renames the stage has no committed folder: a crash here only makes it stale.
            Directory.Move(target, retired);
        }

        Directory.Move(staging, target);
        Folders.DeleteQuietly(retired);
    }

    public static void Discard(string staging) => Folders.DeleteQuietly(staging);

    /// <summary>Removes what killed runs left behind. Call only while holding the build lock.</summary>
    public void CleanStaging()
    {
        var staging = Path.Combine(Root, StagingFolder);
        if (Directory.Exists(staging))
        {
            foreach (var leftover in Directory.EnumerateDirectories(staging))
            {
                Folders.DeleteQuietly(leftover);
            }
        }
    }
}
