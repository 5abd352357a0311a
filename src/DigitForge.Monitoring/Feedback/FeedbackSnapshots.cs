using System.Globalization;
using System.Text;
using DigitForge.Engine.Config;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Storage;

namespace DigitForge.Monitoring.Feedback;

/// <summary>
/// What a training build records of a feedback snapshot it read: which one, how much, and the time its examples were predicted.
/// A model version keeps the list as <see cref="FileName"/>, so its lineage names its feedback without the snapshot folder.
/// </summary>
/// <param name="From">When the snapshot's first example was predicted.</param>
/// <param name="Until">When its last example was predicted.</param>
public sealed record FeedbackFacts(string Id, string Sha256, int Count, DateTimeOffset From, DateTimeOffset Until)
{
    public const string FileName = "feedback.json";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Id}: {Count} examples predicted {From:yyyy-MM-dd HH:mm} .. {Until:yyyy-MM-dd HH:mm} UTC (sha256 {ContentHash.Short(Sha256)})");

    /// <summary>The lineage lines of the snapshots listed in <paramref name="folder"/>'s <see cref="FileName"/>; none when it has none.</summary>
    public static IEnumerable<string> Lines(string folder)
    {
        var file = Path.Combine(folder, FileName);
        return File.Exists(file) ? JsonFile.Read<List<FeedbackFacts>>(file).Select(facts => $"{"feedback",-10} {facts}") : [];
    }
}

/// <summary>
/// The manifest of a feedback snapshot (<c>manifest.json</c>): its data files with their hashes, what they hold, and what was left out and why.
/// </summary>
/// <param name="Sha256">The content hash: of the data files' names and hashes, so equal data is one snapshot.</param>
/// <param name="PerClass">Examples per label, for a classification; null for a regression.</param>
/// <param name="LeftOut">Logged predictions not exported, by why (no ground truth yet, the input gone ...).</param>
public sealed record FeedbackManifest(
    string Id,
    string Pipeline,
    string Sha256,
    int Count,
    IReadOnlyDictionary<string, int>? PerClass,
    DateTimeOffset From,
    DateTimeOffset Until,
    IReadOnlyDictionary<string, int> LeftOut,
    IReadOnlyDictionary<string, string> Files)
{
    public FeedbackFacts ToFacts() => new(Id, Sha256, Count, From, Until);
}

/// <summary>The data of a snapshot before it is written: <see cref="WriteFiles"/> writes its files into the folder it is given.</summary>
public sealed record FeedbackContent(
    Action<string> WriteFiles,
    int Count,
    IReadOnlyDictionary<string, int>? PerClass,
    DateTimeOffset From,
    DateTimeOffset Until,
    IReadOnlyDictionary<string, int> LeftOut);

/// <summary>A snapshot found on disk: its folder and manifest.</summary>
public sealed record FeedbackSnapshot(string Directory, FeedbackManifest Manifest)
{
    public string File(string name) => Path.Combine(Directory, name);

    /// <summary>Checks the manifest against its id and every data file against the manifest; a mismatch is an error naming the file.</summary>
    public void Verify()
    {
        if (FeedbackSnapshots.ContentHashOf(Manifest.Files) != Manifest.Sha256 || !Manifest.Sha256.StartsWith(Manifest.Id, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{File(FeedbackSnapshots.ManifestFile)}: its files do not hash to snapshot {Manifest.Id} (sha256 {ContentHash.Short(Manifest.Sha256)})");
        }

        foreach (var (name, hash) in Manifest.Files)
        {
            var path = File(name);
            if (!System.IO.File.Exists(path) || ContentHash.OfFile(path) != hash)
            {
                throw new InvalidDataException($"{path}: missing or changed since feedback snapshot {Manifest.Id} was written (its manifest says sha256 {ContentHash.Short(hash)})");
            }
        }
    }
}

/// <summary>
/// The feedback a training build adds to its training split: the snapshots a recipe's <c>data.feedback</c> names, each example
/// <see cref="Repeat"/> times (<c>data.feedbackRepeat</c>), so a few hundred examples of a shift weigh against thousands of the source's.
/// </summary>
public sealed record TrainingFeedback(IReadOnlyList<FeedbackSnapshot> Snapshots, int Repeat)
{
    /// <summary>The snapshots <paramref name="ids"/> names (none when it names none), each as <see cref="FeedbackSnapshots.Read"/> finds it.</summary>
    public static TrainingFeedback Read(string root, IEnumerable<string>? ids, int repeat) =>
        new([.. (ids ?? []).Select(id => FeedbackSnapshots.Read(root, id))], repeat);

    /// <summary>What the stage reading the snapshots writes of them (<see cref="FeedbackFacts.FileName"/>), for the version's lineage.</summary>
    public IEnumerable<FeedbackFacts> Facts => Snapshots.Select(s => s.Manifest.ToFacts());

    /// <summary>
    /// What the stage that reads the snapshots declares of them: the recipe keys, for its config (null when there are none, so a
    /// recipe without feedback keeps its fingerprint), and each data file, hashed into its fingerprint.
    /// </summary>
    public (object? Config, IReadOnlyDictionary<string, string> Files) Inputs()
    {
        var config = new SortedDictionary<string, object>(StringComparer.Ordinal) { ["feedback"] = Snapshots.Select(s => s.Manifest.Id) };
        if (Repeat != 1)
        {
            // Only a repeat other than the default is recorded, so a recipe from before the key keeps its fingerprint.
            config["feedbackRepeat"] = Repeat;
        }

        return (
            Snapshots.Count == 0 ? null : config,
            Snapshots.SelectMany(s => s.Manifest.Files.Keys.Select(name => (Name: $"feedback/{s.Manifest.Id}/{name}", Path: s.File(name))))
                .ToDictionary(f => f.Name, f => f.Path, StringComparer.Ordinal));
    }

    /// <summary>What a stage's log line says of the feedback it added: <paramref name="added"/> examples before repeating; nothing without feedback.</summary>
    public string Note(int added) => Snapshots.Count == 0
        ? string.Empty
        : $" ({added} from feedback {string.Join(", ", Snapshots.Select(s => s.Manifest.Id))}{(Repeat == 1 ? string.Empty : $", each {Repeat} times")})";
}

/// <summary>
/// Immutable, content-addressed feedback snapshots under <c>artifacts/&lt;pipeline&gt;/feedback/&lt;id&gt;/</c>, the id being the start of
/// the content hash. A snapshot is written into a temporary folder and renamed into place with its manifest, so a crash leaves
/// no folder under an id; the same data exported again is the same folder, left as it is.
/// </summary>
public static class FeedbackSnapshots
{
    public const string ManifestFile = "manifest.json";

    /// <summary>How many hex digits of the content hash name a snapshot.</summary>
    public const int IdLength = 12;

    public static bool IsId(string text) => text.Length == IdLength && text.All(char.IsAsciiHexDigitLower);

    /// <summary>Writes <paramref name="content"/> as a snapshot of <paramref name="pipeline"/> under <paramref name="root"/>, or finds the one with the same data.</summary>
    public static FeedbackManifest Write(string root, string pipeline, FeedbackContent content)
    {
        Directory.CreateDirectory(root);
        var temporary = Path.Combine(root, $".tmp-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temporary);
            content.WriteFiles(temporary);
            var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var file in Directory.GetFiles(temporary))
            {
                files[Path.GetFileName(file)] = ContentHash.OfFile(file);
            }

            var sha256 = ContentHashOf(files);
            var manifest = new FeedbackManifest(sha256[..IdLength], pipeline, sha256, content.Count, content.PerClass, content.From, content.Until, content.LeftOut, files);
            var destination = Path.Combine(root, manifest.Id);
            if (Directory.Exists(destination))
            {
                return Read(root, manifest.Id).Manifest;
            }

            // The manifest goes in last: a folder without one was never finished.
            JsonFile.Write(Path.Combine(temporary, ManifestFile), manifest);
            try
            {
                Directory.Move(temporary, destination);
            }
            catch (IOException) when (Directory.Exists(destination))
            {
                // Another export of the same data got there first: the same snapshot.
                return Read(root, manifest.Id).Manifest;
            }

            return manifest;
        }
        finally
        {
            Folders.DeleteQuietly(temporary);
        }
    }

    /// <summary>A snapshot's content hash: of its data files' names and hashes, so equal data is one snapshot wherever it was written.</summary>
    public static string ContentHashOf(IReadOnlyDictionary<string, string> files) =>
        ContentHash.OfText(string.Concat(files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}\t{f.Value}\n")));

    /// <summary>The snapshot <paramref name="id"/> under <paramref name="root"/>; an unknown id or an unfinished folder is an error naming it.</summary>
    public static FeedbackSnapshot Read(string root, string id)
    {
        var directory = Path.Combine(root, id);
        var manifest = Path.Combine(directory, ManifestFile);
        if (!IsId(id) || !File.Exists(manifest))
        {
            var known = Directory.Exists(root) ? Directory.GetDirectories(root).Where(d => IsId(Path.GetFileName(d)) && File.Exists(Path.Combine(d, ManifestFile))).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList() : [];
            throw new ConfigException($"data.feedback: no feedback snapshot '{id}' in {root} (expected {IdLength} hex digits as printed by digitforge feedback export; "
                + (known.Count == 0 ? "there are none" : $"there are {string.Join(", ", known)}") + "); ./build.sh --target=PullFeedback fetches the recipe's snapshots from the remote");
        }

        var snapshot = new FeedbackSnapshot(directory, JsonFile.Read<FeedbackManifest>(manifest));
        if (snapshot.Manifest.Id != id)
        {
            throw new InvalidDataException($"{manifest}: names snapshot {snapshot.Manifest.Id}, not the folder's {id}");
        }

        return snapshot;
    }

    /// <summary>An export that found nothing to take: the error, naming the log and what was left out.</summary>
    public static InvalidDataException NothingToExport(Store.IMonitorStore store, string pipeline, IReadOnlyDictionary<string, int> leftOut) =>
        new($"{store.Location}: no labelled predictions of {pipeline} to export ("
            + (leftOut.Count == 0 ? "nothing logged in the window" : string.Join(", ", leftOut.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Key}: {l.Value}")))) + ")");

    /// <summary>The report of an export, as printed: the id first, alone, for scripts.</summary>
    public static IEnumerable<string> Lines(FeedbackManifest manifest, string root)
    {
        yield return manifest.Id;
        var text = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"feedback snapshot {Path.Combine(root, manifest.Id)}: {manifest.Count} examples predicted {manifest.From:yyyy-MM-dd HH:mm} .. {manifest.Until:yyyy-MM-dd HH:mm} UTC"));
        if (manifest.PerClass is { } perClass)
        {
            text.Append("; per label ").Append(string.Join(" ", perClass.Select(c => $"{c.Key}: {c.Value}")));
        }

        yield return text.ToString();
        foreach (var (why, count) in manifest.LeftOut)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"  left out, {why}: {count}");
        }
    }
}
