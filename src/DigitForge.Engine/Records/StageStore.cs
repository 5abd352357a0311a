using DigitForge.Engine.Diagnostics;
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
    private const string RetiredMarker = "-retired-";

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
            problem = HasRetired(stage) ? "a build was killed while committing it; the next build puts its last good outputs back" : "never run";
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
        var retired = Path.Combine(Root, StagingFolder, $"{record.Stage}{RetiredMarker}{Guid.NewGuid():N}");
        if (Directory.Exists(target))
        {
            // Between these two renames the stage has no committed folder; a process killed here
            // leaves the last good one aside, and RecoverRetired puts it back.
            Directory.Move(target, retired);
            FaultPoints.Hit(FaultPoints.CommitBetweenRenames, record.Stage);
        }

        Directory.Move(staging, target);
        Folders.DeleteQuietly(retired);
    }

    public static void Discard(string staging) => Folders.DeleteQuietly(staging);

    /// <summary>
    /// Puts back the last good folder of each stage that a killed commit left aside, then removes
    /// what killed runs left behind, telling <paramref name="warn"/> about each stage put back.
    /// Call only while holding the build lock.
    /// </summary>
    public void CleanStaging(Action<string> warn)
    {
        var staging = Path.Combine(Root, StagingFolder);
        if (!Directory.Exists(staging))
        {
            return;
        }

        RecoverRetired(staging, warn);
        foreach (var leftover in Directory.EnumerateDirectories(staging))
        {
            Folders.DeleteQuietly(leftover);
        }
    }

    /// <summary>Whether a killed commit left this stage's last good folder aside (see <see cref="CleanStaging"/>).</summary>
    private bool HasRetired(string stage) =>
        Directory.Exists(Path.Combine(Root, StagingFolder))
        && Directory.EnumerateDirectories(Path.Combine(Root, StagingFolder), stage + RetiredMarker + "*").Any();

    // A retired folder whose stage has no committed folder is the previous good one, complete with its
    // record (a commit moves it aside whole): it goes back, and the half-done commit's new folder is
    // left to be deleted, so that run counts as never finished. One where the stage folder exists is
    // garbage from a commit killed after its second rename.
    private void RecoverRetired(string staging, Action<string> warn)
    {
        foreach (var retired in Directory.EnumerateDirectories(staging, "*" + RetiredMarker + "*").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(retired);
            var stage = name[..name.LastIndexOf(RetiredMarker, StringComparison.Ordinal)];
            if (!Directory.Exists(DirectoryOf(stage)) && File.Exists(Path.Combine(retired, RecordFileName)))
            {
                Directory.Move(retired, DirectoryOf(stage));
                warn($"{stage}: a build was killed while committing it; its last good outputs are back in place");
            }
        }
    }
}
