using System.Globalization;
using Azure;
using Azure.Storage.Blobs.Models;
using DigitForge.Engine.Diagnostics;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Storage;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

namespace DigitForge.Remote;

/// <summary>
/// Version files in blob storage, <c>versions/v0007-&lt;hash&gt;/&lt;file&gt;</c>, with <c>manifest.json</c> uploaded
/// last: a version without its manifest is an unfinished upload (an orphan for <see cref="CollectGarbage"/>),
/// never a version. Blobs are written with If-None-Match: *, so they are never replaced. Versions are handed out
/// as folders of a local cache (laid out as a <see cref="ModelStore"/>), downloaded once and checked against
/// the manifest's SHA-256 of every file: a tampered blob is refused, named.
/// </summary>
public sealed class AzureVersionStore : IVersionStore
{
    private const string VersionsFolder = "versions/";
    private const string NumbersFolder = "numbers/";
    private const string StagingFolder = ".staging";
    private readonly AzureBlobRegistry registry;
    private readonly ModelStore cache;

    internal AzureVersionStore(AzureBlobRegistry registry, string cacheRoot)
    {
        this.registry = registry;
        cache = new ModelStore(cacheRoot);
    }

    public string Location => registry.Describe(VersionsFolder);

    /// <summary>The local folder holding downloaded (and published) versions.</summary>
    public string CacheRoot => cache.Root;

    public AddedModel Add(string contentHash, Func<string, string, JObject> writeVersion)
    {
        var hash = ModelStore.NormalizeHash(contentHash);
        registry.EnsureContainer();
        var existing = Uploaded().Where(name => name.EndsWith("-" + ContentHash.Short(hash), StringComparison.Ordinal))
            .Select(ModelVersion.TryParse).OfType<ModelVersion>()
            .FirstOrDefault(v => TryDownloadManifest(v.Name)?.ContentHash == hash);
        if (existing is not null)
        {
            return new AddedModel(Get(existing.Number), Created: false);
        }

        var number = Reserve();
        FaultPoints.Hit(FaultPoints.RegistryReserved);
        var name = ModelVersion.NameOf(number, hash);
        var staging = ScratchFolder();
        Directory.CreateDirectory(staging);
        try
        {
            var details = writeVersion(staging, name);
            var manifest = new ModelManifest
            {
                Version = number,
                ContentHash = hash,
                CreatedAt = DateTimeOffset.UtcNow,
                Files = ModelStore.HashFiles(staging),
                Details = (JObject)details.DeepClone(),
            };
            JsonFile.Write(Path.Combine(staging, ModelManifest.FileName), manifest);
            foreach (var (file, sha) in manifest.Files)
            {
                Upload(name, file, Path.Combine(staging, file), sha);
                FaultPoints.Hit(FaultPoints.RegistryFile);
            }

            // Last: its presence is what makes the upload a version.
            Upload(name, ModelManifest.FileName, Path.Combine(staging, ModelManifest.FileName), ContentHash.OfFile(Path.Combine(staging, ModelManifest.FileName)));
            FaultPoints.Hit(FaultPoints.RegistryUploaded);
            var version = new ModelVersion(number, ContentHash.Short(hash), Path.Combine(cache.Root, name));
            MoveIntoCache(staging, version);
            return new AddedModel(version, Created: true);
        }
        finally
        {
            Folders.DeleteQuietly(staging);
        }
    }

    public ModelVersion Get(int number)
    {
        var names = Uploaded().Where(n => n.StartsWith(AzureBlobRegistry.Number(number) + "-", StringComparison.Ordinal)).ToList();
        var name = names.FirstOrDefault(n => TryDownloadManifest(n) is not null)
            ?? throw new RegistryException($"{Location}: no model version {number}" + (names.Count > 0 ? $" ({names[0]} is an unfinished upload)" : string.Empty));
        var version = ModelVersion.TryParse(name)! with { Directory = Path.Combine(cache.Root, name) };
        if (Directory.Exists(version.Directory) && cache.Verify(version).Count == 0)
        {
            return version;
        }

        Download(version);
        return version;
    }

    public ModelManifest ReadManifest(ModelVersion version) => cache.ReadManifest(version);

    public IReadOnlyList<string> Verify(ModelVersion version) => cache.Verify(version);

    public void EnsureIntact(ModelVersion version) => cache.EnsureIntact(version);

    /// <summary>Deletes the manifest first, so a delete killed midway leaves an orphan, never a half version.</summary>
    public void Remove(int number)
    {
        foreach (var name in Uploaded().Where(n => n.StartsWith(AzureBlobRegistry.Number(number) + "-", StringComparison.Ordinal)))
        {
            RemoveUpload(name);
            Folders.DeleteQuietly(Path.Combine(cache.Root, name));
        }
    }

    /// <summary>
    /// Removes uploads no registry entry lists (killed uploads, deleted versions' leftovers), leaving those
    /// younger than <paramref name="minimumAge"/>, which may belong to an upload still running. Returns their names.
    /// </summary>
    public IReadOnlyList<string> CollectGarbage(RegistryDocument document, TimeSpan minimumAge)
    {
        var live = document.Versions.Where(e => e.Stage != ModelStage.Deleted).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var removed = new List<string>();
        foreach (var name in Uploaded().Where(n => !live.Contains(n)))
        {
            var newest = registry.Call(() => registry.Container.GetBlobs(BlobTraits.None, BlobStates.None, registry.Prefix + VersionsFolder + name + "/", CancellationToken.None).Select(b => b.Properties.LastModified ?? DateTimeOffset.MinValue).DefaultIfEmpty(DateTimeOffset.MinValue).Max());
            if (DateTimeOffset.UtcNow - newest >= minimumAge)
            {
                RemoveUpload(name);
                removed.Add(name);
            }
        }

        return removed;
    }

    /// <summary>Every name under <c>versions/</c> (finished or not), oldest number first.</summary>
    public IReadOnlyList<string> Uploaded() => registry.Call(() =>
        registry.Container.GetBlobsByHierarchy(BlobTraits.None, BlobStates.None, delimiter: "/", prefix: registry.Prefix + VersionsFolder)
            .Where(item => item.IsPrefix)
            .Select(item => item.Prefix[(registry.Prefix.Length + VersionsFolder.Length)..].TrimEnd('/'))
            .Where(name => ModelVersion.TryParse(name) is not null)
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToList());

    // The next number above every one handed out, claimed by creating its reservation blob (If-None-Match: *).
    private int Reserve()
    {
        var highest = registry.Call(() => registry.Container.GetBlobs(BlobTraits.None, BlobStates.None, registry.Prefix + NumbersFolder, CancellationToken.None)
            .Select(b => int.TryParse(b.Name[(registry.Prefix.Length + NumbersFolder.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0).Max());
        highest = Math.Max(highest, Uploaded().Select(n => ModelVersion.TryParse(n)!.Number).DefaultIfEmpty(0).Max());
        for (var number = highest + 1; ; number++)
        {
            try
            {
                registry.Call(() => registry.Blob(NumbersFolder + AzureBlobRegistry.Number(number)).Upload(
                    BinaryData.FromString(Environment.MachineName),
                    new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }));
                return number;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another publisher took it.
            }
        }
    }

    private void Upload(string name, string file, string path, string sha256)
    {
        var blob = registry.Blob(VersionsFolder + name + "/" + file);
        using (var content = File.OpenRead(path))
        {
            registry.Call(() => blob.Upload(content, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }));
        }

        // Read back and hashed before anything refers to it.
        var stored = ContentHash.OfBytes(registry.Call(() => blob.DownloadContent()).Value.Content.ToArray());
        if (stored != sha256)
        {
            throw new InvalidDataException($"{registry.Describe(VersionsFolder + name + "/" + file)}: the uploaded blob has sha256 {ContentHash.Short(stored)}, the file {ContentHash.Short(sha256)}; the version was not published");
        }
    }

    private ModelManifest? TryDownloadManifest(string name)
    {
        try
        {
            var text = registry.Call(() => registry.Blob(VersionsFolder + name + "/" + ModelManifest.FileName).DownloadContent()).Value.Content.ToString();
            return Newtonsoft.Json.JsonConvert.DeserializeObject<ModelManifest>(text, JsonFile.Settings);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
        catch (Newtonsoft.Json.JsonException ex)
        {
            throw new InvalidDataException($"{registry.Describe(VersionsFolder + name + "/" + ModelManifest.FileName)}: not a readable manifest ({ex.Message})", ex);
        }
    }

    // Into staging, every file checked against the manifest, then renamed in: the cache never holds part of a version.
    private void Download(ModelVersion version)
    {
        var staging = ScratchFolder();
        Directory.CreateDirectory(staging);
        try
        {
            var manifestBlob = VersionsFolder + version.Name + "/" + ModelManifest.FileName;
            registry.Call(() => registry.Blob(manifestBlob).DownloadTo(Path.Combine(staging, ModelManifest.FileName)));
            var manifest = JsonFile.Read<ModelManifest>(Path.Combine(staging, ModelManifest.FileName));
            if (ModelVersion.NameOf(manifest.Version, manifest.ContentHash) != version.Name)
            {
                throw new InvalidDataException($"{registry.Describe(manifestBlob)} describes {ModelVersion.NameOf(manifest.Version, manifest.ContentHash)}, not {version.Name}; refused");
            }

            foreach (var (file, expected) in manifest.Files)
            {
                var relative = VersionsFolder + version.Name + "/" + file;
                var target = Path.Combine(staging, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                try
                {
                    registry.Call(() => registry.Blob(relative).DownloadTo(target));
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    throw new InvalidDataException($"{registry.Describe(relative)} is missing, though {ModelManifest.FileName} lists it; refused", ex);
                }

                var found = ContentHash.OfFile(target);
                if (found != expected)
                {
                    throw new InvalidDataException($"{registry.Describe(relative)} does not match {ModelManifest.FileName} (manifest sha256 {ContentHash.Short(expected)}, blob has {ContentHash.Short(found)}): the blob was modified; refused");
                }
            }

            MoveIntoCache(staging, version);
        }
        finally
        {
            Folders.DeleteQuietly(staging);
        }
    }

    // A new folder's path (not created) under the cache's staging folder: on the cache's file system,
    // so a rename into or out of the cache is one step.
    private string ScratchFolder() => Path.Combine(cache.Root, StagingFolder, Guid.NewGuid().ToString("N"));

    // A version folder is only ever renamed into place whole and verified, and another process of this
    // machine may be reading it: one that is there and intact stays (deleting it first, as this did,
    // let a reader find files missing); a damaged one is renamed aside in one step, then deleted.
    private void MoveIntoCache(string staging, ModelVersion version)
    {
        if (Directory.Exists(version.Directory))
        {
            if (cache.Verify(version).Count == 0)
            {
                return;
            }

            var aside = ScratchFolder();
            try
            {
                Directory.Move(version.Directory, aside);
            }
            catch (IOException) when (!Directory.Exists(version.Directory))
            {
                // Another process moved it aside first.
            }

            Folders.DeleteQuietly(aside);
        }

        try
        {
            Directory.Move(staging, version.Directory);
        }
        catch (IOException) when (Directory.Exists(version.Directory))
        {
            // Another process put the same verified version there first.
        }
    }

    private void RemoveUpload(string name)
    {
        var blobs = registry.Call(() => registry.Container.GetBlobs(BlobTraits.None, BlobStates.None, registry.Prefix + VersionsFolder + name + "/", CancellationToken.None).Select(b => b.Name).ToList());
        foreach (var blob in blobs.OrderBy(b => b.EndsWith("/" + ModelManifest.FileName, StringComparison.Ordinal) ? 0 : 1))
        {
            registry.Call(() => registry.Container.DeleteBlobIfExists(blob));
        }
    }
}
