using DigitForge.Engine.Hashing;
using DigitForge.Engine.Records;
using DigitForge.Engine.Storage;

namespace DigitForge.Engine.Caching;

/// <summary>
/// Stage outputs ever built, by fingerprint: <c>&lt;root&gt;/&lt;fp[0..2]&gt;/&lt;fp&gt;/</c> holds a stage's
/// committed folder (outputs and <c>stage.lock.json</c>). Entries are written under <c>.tmp/</c> and
/// renamed in whole, so a reader never sees half an entry; every restore checks each file's hash
/// against the entry's record, and a damaged entry is deleted rather than used.
/// Optionally backed by a <see cref="IRemoteCache"/>: a miss here is pulled from it, and what is
/// stored here is pushed to it.
/// </summary>
public sealed class StageCache(string root, IRemoteCache? remote = null)
{
    private const string TemporaryFolder = ".tmp";

    private static readonly TimeSpan RemoteRetryAfter = TimeSpan.FromMinutes(5);

    private bool remoteDown;

    public string Root { get; } = Path.GetFullPath(root);

    public IRemoteCache? Remote { get; } = remote;

    public string EntryOf(string fingerprint) => Path.Combine(Root, fingerprint[..2], fingerprint);

    /// <summary>
    /// Copies the entry for <paramref name="fingerprint"/> of <paramref name="stage"/> into the empty
    /// folder <paramref name="destination"/>, verified, and returns its record; null when there is none
    /// here or on the remote, or it was damaged (then deleted, and <paramref name="warn"/> told).
    /// </summary>
    public StageRecord? TryRestore(string stage, string fingerprint, string destination, Action<string> warn)
    {
        var entry = EntryOf(fingerprint);
        if (!Directory.Exists(entry) && !TryPull(fingerprint, warn))
        {
            return null;
        }

        var record = ReadRecord(entry, stage, fingerprint, out var problem);
        if (record is not null)
        {
            foreach (var file in record.Outputs.Keys.Append(StageStore.RecordFileName).Where(f => File.Exists(Path.Combine(entry, f))))
            {
                var target = Path.Combine(destination, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(entry, file), target);
            }

            // The copy is what gets committed, so the copy is what is checked: one hashing pass, not two.
            var copied = StageStore.HashOutputs(destination);
            var bad = record.Outputs.Where(o => copied.GetValueOrDefault(o.Key) != o.Value).Select(o => o.Key).ToList();
            problem = bad.Count > 0 ? $"{string.Join(", ", bad)} missing or modified" : null;
        }

        if (record is null || problem is not null)
        {
            warn($"cache entry {entry} is damaged ({problem}); discarded, {stage} will be rebuilt");
            Folders.DeleteQuietly(entry);
            return null;
        }

        Directory.SetLastWriteTimeUtc(entry, DateTime.UtcNow);
        return record;
    }

    /// <summary>Keeps a copy of a committed stage folder under its record's fingerprint, and pushes it to the remote.</summary>
    public void Store(string committedFolder, StageRecord record, Action<string> warn)
    {
        var entry = EntryOf(record.Fingerprint);
        if (!Directory.Exists(entry))
        {
            var temporary = Path.Combine(Root, TemporaryFolder, Guid.NewGuid().ToString("N"));
            CopyFolder(committedFolder, temporary);
            Directory.CreateDirectory(Path.GetDirectoryName(entry)!);
            try
            {
                Directory.Move(temporary, entry);
            }
            catch (IOException) when (Directory.Exists(entry))
            {
                // Another build stored the same fingerprint first; its entry is as good as ours.
                Folders.DeleteQuietly(temporary);
            }
        }

        if (Remote is { } remote)
        {
            RemoteCall(() =>
            {
                remote.Push(record.Fingerprint, entry);
                return true;
            }, warn);
        }
    }

    /// <summary>Every entry with its size and when it was last stored or restored.</summary>
    public IReadOnlyList<CacheEntry> List()
    {
        if (!Directory.Exists(Root))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(Root)
            .Where(d => Path.GetFileName(d) != TemporaryFolder)
            .SelectMany(Directory.EnumerateDirectories)
            .Select(d => new CacheEntry(
                Path.GetFileName(d),
                d,
                Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length),
                Directory.GetLastWriteTimeUtc(d)))];
    }

    public void Delete(CacheEntry entry) => Folders.DeleteQuietly(entry.Directory);

    /// <summary>Removes temporaries of killed runs older than an hour (younger ones may be another build's).</summary>
    public void CleanTemporaries()
    {
        var temporary = Path.Combine(Root, TemporaryFolder);
        if (Directory.Exists(temporary))
        {
            foreach (var leftover in Directory.EnumerateDirectories(temporary).Where(d => Directory.GetLastWriteTimeUtc(d) < DateTime.UtcNow.AddHours(-1)))
            {
                Folders.DeleteQuietly(leftover);
            }
        }
    }

    private bool TryPull(string fingerprint, Action<string> warn)
    {
        if (Remote is not { } remote)
        {
            return false;
        }

        var temporary = Path.Combine(Root, TemporaryFolder, Guid.NewGuid().ToString("N"));
        var pulled = RemoteCall(() => remote.TryPull(fingerprint, temporary), warn);
        if (!pulled)
        {
            Folders.DeleteQuietly(temporary);
            return false;
        }

        var entry = EntryOf(fingerprint);
        Directory.CreateDirectory(Path.GetDirectoryName(entry)!);
        try
        {
            Directory.Move(temporary, entry);
        }
        catch (IOException) when (Directory.Exists(entry))
        {
            Folders.DeleteQuietly(temporary);
        }

        return true;
    }

    // A remote that fails is reported once and then left alone: the build goes on with the local cache.
    private bool RemoteCall(Func<bool> call, Action<string> warn)
    {
        if (remoteDown || RemoteRecentlyDown)
        {
            return false;
        }

        try
        {
            return call();
        }
        catch (InvalidDataException ex)
        {
            warn($"remote cache {Remote!.Name}: damaged entry ({ex.Message}); not used");
            return false;
        }
        catch (RemoteCacheException ex)
        {
            remoteDown = true;
            warn($"remote cache {Remote!.Name} unavailable ({ex.Message}); going on with the local cache only (next try in {RemoteRetryAfter.TotalMinutes:0} minutes)");
            Directory.CreateDirectory(Root);
            AtomicFile.WriteAllText(DownMarker, ex.Message);
            return false;
        }
    }

    // Every stage is its own process: the marker makes one build say "unreachable" once, not per stage.
    private string DownMarker => Path.Combine(Root, ".remote-unreachable");

    private bool RemoteRecentlyDown => File.Exists(DownMarker) && File.GetLastWriteTimeUtc(DownMarker) > DateTime.UtcNow - RemoteRetryAfter;

    private static StageRecord? ReadRecord(string entry, string stage, string fingerprint, out string? problem)
    {
        problem = null;
        StageRecord record;
        try
        {
            record = JsonFile.Read<StageRecord>(Path.Combine(entry, StageStore.RecordFileName));
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            problem = ex.Message;
            return null;
        }

        if (record.Fingerprint != fingerprint || record.Stage != stage)
        {
            problem = $"it holds {record.Stage} {ContentHash.Short(record.Fingerprint)}";
            return null;
        }

        return record;
    }

    private static void CopyFolder(string source, string destination)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>One cached stage output folder.</summary>
public sealed record CacheEntry(string Fingerprint, string Directory, long Bytes, DateTime LastUsedUtc);
