using System.Globalization;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Storage;
using Newtonsoft.Json.Linq;

namespace DigitForge.Registry.Store;

/// <summary>
/// Versioned model folders under <see cref="Root"/>: <c>v0001-&lt;hash&gt;</c>, <c>v0002-&lt;hash&gt;</c>, ...
/// A version is written into <c>.staging/</c> and renamed in only once complete, so a killed process
/// never leaves a folder that looks like a version. Adding content that is already stored returns
/// the existing version: re-running with unchanged inputs creates no new version.
/// </summary>
public sealed class ModelStore : IVersionStore
{
    private const string StagingFolder = ".staging";
    private const string LockFolder = ".store.lock";

    // The highest number ever handed out, so deleting the newest folder never lets its number be reused.
    private const string LastVersionFile = ".last-version";

    private readonly TimeSpan lockTimeout;

    public ModelStore(string root, TimeSpan? lockTimeout = null)
    {
        Root = Path.GetFullPath(root);
        this.lockTimeout = lockTimeout ?? TimeSpan.FromMinutes(1);
    }

    public string Root { get; }

    public string Location => Root;

    /// <summary>
    /// Stores the files <paramref name="writeFiles"/> writes into the folder it is given as a new
    /// version named after <paramref name="contentHash"/> (e.g. the hash of the weights), with
    /// <paramref name="details"/> in its manifest; or returns the intact version already holding that hash.
    /// </summary>
    public AddedModel Add(string contentHash, Action<string> writeFiles, JObject details) =>
        Add(contentHash, (directory, _) =>
        {
            writeFiles(directory);
            return details;
        });

    /// <summary>
    /// As above, for content that must know its own version: <paramref name="writeVersion"/> gets the
    /// folder to write into and the version's name (e.g. <c>v0007-3fa2c1d</c>) and returns the manifest details.
    /// It runs under the store lock, so the name it is given is the one the folder will have.
    /// </summary>
    public AddedModel Add(string contentHash, Func<string, string, JObject> writeVersion)
    {
        var hash = NormalizeHash(contentHash);
        using var storeLock = ExclusiveLock.Acquire(Path.Combine(Root, LockFolder), lockTimeout, Root);
        CleanStaging();
        if (FindByHash(hash) is { } existing)
        {
            EnsureIntact(existing);
            return new AddedModel(existing, Created: false);
        }

        var number = NextNumber();
        var version = new ModelVersion(number, ContentHash.Short(hash), Path.Combine(Root, ModelVersion.NameOf(number, hash)));
        var staging = Path.Combine(Root, StagingFolder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            var details = writeVersion(staging, version.Name);
            var manifest = new ModelManifest
            {
                Version = number,
                ContentHash = hash,
                CreatedAt = DateTimeOffset.UtcNow,
                RunId = Engine.History.RunId.FromEnvironment(),
                Files = HashFiles(staging),
                Details = (JObject)details.DeepClone(),
            };
            JsonFile.Write(Path.Combine(staging, ModelManifest.FileName), manifest);
            Directory.Move(staging, version.Directory);
            AtomicFile.WriteAllText(Path.Combine(Root, LastVersionFile), number.ToString(CultureInfo.InvariantCulture));
            return new AddedModel(version, Created: true);
        }
        catch
        {
            Folders.DeleteQuietly(staging);
            throw;
        }
    }

    /// <summary>
    /// Removes a version's folder. It is renamed into staging first, so a process killed while deleting
    /// never leaves a half-emptied folder that looks like a version; the next <see cref="Add"/> clears it.
    /// </summary>
    public void Remove(ModelVersion version)
    {
        using var storeLock = ExclusiveLock.Acquire(Path.Combine(Root, LockFolder), lockTimeout, Root);
        if (!Directory.Exists(version.Directory))
        {
            return;
        }

        var doomed = Path.Combine(Root, StagingFolder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(doomed)!);
        Directory.Move(version.Directory, doomed);
        Folders.DeleteQuietly(doomed);
    }

    /// <summary>Removes every folder numbered <paramref name="number"/> (a killed delete may have left one).</summary>
    public void Remove(int number)
    {
        foreach (var folder in List().Where(v => v.Number == number))
        {
            Remove(folder);
        }
    }

    /// <summary>Every committed version, oldest first; staging leftovers and other folders are not versions.</summary>
    public IReadOnlyList<ModelVersion> List() =>
        Directory.Exists(Root)
            ? [.. Directory.EnumerateDirectories(Root).Select(ModelVersion.TryParse).OfType<ModelVersion>().OrderBy(v => v.Number)]
            : [];

    public ModelVersion Get(int number) =>
        List().FirstOrDefault(v => v.Number == number)
        ?? throw new RegistryException($"{Root}: no model version {number}; {Describe(List())}");

    /// <summary>The version holding <paramref name="contentHash"/>, or null.</summary>
    public ModelVersion? FindByHash(string contentHash)
    {
        var hash = NormalizeHash(contentHash);
        return List()
            .Where(v => v.ShortHash == ContentHash.Short(hash))
            .FirstOrDefault(v => ReadManifest(v).ContentHash == hash);
    }

    public ModelManifest ReadManifest(ModelVersion version) =>
        File.Exists(version.ManifestPath)
            ? JsonFile.Read<ModelManifest>(version.ManifestPath)
            : throw new InvalidDataException($"{version.ManifestPath}: missing");

    /// <summary>What differs between the version's files and its manifest; empty when intact.</summary>
    public IReadOnlyList<string> Verify(ModelVersion version)
    {
        if (!File.Exists(version.ManifestPath))
        {
            return [$"{ModelManifest.FileName} missing"];
        }

        ModelManifest manifest;
        try
        {
            manifest = ReadManifest(version);
        }
        catch (InvalidDataException ex)
        {
            return [ex.Message];
        }

        if (ModelVersion.NameOf(manifest.Version, manifest.ContentHash) != version.Name)
        {
            return [$"{ModelManifest.FileName} describes {ModelVersion.NameOf(manifest.Version, manifest.ContentHash)}, not {version.Name}"];
        }

        var problems = new List<string>();
        var actual = HashFiles(version.Directory);
        foreach (var (file, expected) in manifest.Files)
        {
            if (!actual.TryGetValue(file, out var found))
            {
                problems.Add($"{file} missing");
            }
            else if (found != expected)
            {
                problems.Add($"{file} modified (manifest sha256 {ContentHash.Short(expected)}, file has {ContentHash.Short(found)})");
            }
        }

        problems.AddRange(actual.Keys.Except(manifest.Files.Keys).Select(file => $"{file} is not in {ModelManifest.FileName}"));
        return problems;
    }

    /// <summary>Throws, naming each file, when the version's files do not match its manifest.</summary>
    public void EnsureIntact(ModelVersion version)
    {
        var problems = Verify(version);
        if (problems.Count > 0)
        {
            throw new InvalidDataException(
                $"{version.Directory}: model files do not match {ModelManifest.FileName}: {string.Join("; ", problems)}. "
                + "Restore the files, or delete the folder so the model is built again.");
        }
    }

    private static string Describe(IEnumerable<ModelVersion> versions)
    {
        var names = versions.Select(v => v.Name).ToList();
        return names.Count == 0 ? "there are no versions yet" : $"known versions: {string.Join(", ", names)}";
    }

    private int NextNumber()
    {
        var path = Path.Combine(Root, LastVersionFile);
        var last = 0;
        if (File.Exists(path) && !int.TryParse(File.ReadAllText(path), NumberStyles.None, CultureInfo.InvariantCulture, out last))
        {
            throw new InvalidDataException($"{path}: expected the last version number, found '{File.ReadAllText(path)}'");
        }

        return Math.Max(last, List().Select(v => v.Number).DefaultIfEmpty(0).Max()) + 1;
    }

    // Runs under the store lock: any staging folder present belongs to a process that died.
    private void CleanStaging()
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

    /// <summary>The SHA-256 of every file under <paramref name="directory"/> but the manifest, by '/'-separated relative path: what a manifest lists.</summary>
    public static SortedDictionary<string, string> HashFiles(string directory)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
            if (relative != ModelManifest.FileName)
            {
                files[relative] = ContentHash.OfFile(file);
            }
        }

        return files;
    }

    /// <summary>The hash in lower case; anything but at least 7 hex digits is refused.</summary>
    public static string NormalizeHash(string contentHash)
    {
        var hash = contentHash.Trim().ToLowerInvariant();
        if (hash.Length < 7 || !hash.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException($"a content hash is at least 7 hex digits, got '{contentHash}'", nameof(contentHash));
        }

        return hash;
    }
}
