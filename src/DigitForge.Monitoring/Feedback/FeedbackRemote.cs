using DigitForge.Engine.Caching;
using DigitForge.Engine.Config;
using DigitForge.Engine.Storage;

namespace DigitForge.Monitoring.Feedback;

/// <summary>
/// Feedback snapshots kept in the remote stage cache, so a snapshot exported on one machine (a CI runner whose disk is
/// lost after the job) can be trained on by another. The remote holds each as one entry, <see cref="EntryName"/>, beside
/// the stages' entries; a pulled snapshot is verified against its content hash before it is renamed into place.
/// </summary>
public static class FeedbackRemote
{
    /// <summary>The remote entry of snapshot <paramref name="id"/> of <paramref name="pipeline"/>; never a stage fingerprint, which is hex only.</summary>
    public static string EntryName(string pipeline, string id) => $"feedback-{pipeline}-{id}";

    /// <summary>Uploads the local snapshot <paramref name="id"/>, verified first, replacing any copy the remote has.</summary>
    public static FeedbackSnapshot Push(IRemoteCache remote, string root, string pipeline, string id)
    {
        var snapshot = FeedbackSnapshots.Read(root, id);
        snapshot.Verify();
        remote.Push(EntryName(pipeline, id), snapshot.Directory);
        return snapshot;
    }

    /// <summary>
    /// The snapshot <paramref name="id"/> under <paramref name="root"/>, pulled from <paramref name="remote"/> when it is not there
    /// (<c>Pulled</c> says so); either way verified. Missing here and on the remote (or with no remote): an error naming the id and both places.
    /// </summary>
    public static (FeedbackSnapshot Snapshot, bool Pulled) Fetch(IRemoteCache? remote, string root, string pipeline, string id)
    {
        if (!FeedbackSnapshots.IsId(id) || File.Exists(Path.Combine(root, id, FeedbackSnapshots.ManifestFile)))
        {
            var local = FeedbackSnapshots.Read(root, id);
            local.Verify();
            return (local, false);
        }

        var entry = EntryName(pipeline, id);
        if (remote is null)
        {
            throw new ConfigException($"feedback snapshot '{id}' is not in {root}, and no remote cache (DIGITFORGE_REMOTE) is set to pull it from");
        }

        Directory.CreateDirectory(root);
        var temporary = Path.Combine(root, $".tmp-{Guid.NewGuid():N}");
        try
        {
            if (!remote.TryPull(entry, temporary))
            {
                throw new ConfigException($"feedback snapshot '{id}' is neither in {root} nor in the remote cache {remote.Name} (entry {entry}); push it from where it was exported: ./build.sh --target=PushFeedback --id={id}");
            }

            var pulled = new FeedbackSnapshot(temporary, JsonFile.Read<FeedbackManifest>(Path.Combine(temporary, FeedbackSnapshots.ManifestFile)));
            if (pulled.Manifest.Id != id || pulled.Manifest.Pipeline != pipeline)
            {
                throw new InvalidDataException($"{remote.Name} entry {entry} holds snapshot {pulled.Manifest.Id} of {pulled.Manifest.Pipeline}, not {id} of {pipeline}");
            }

            pulled.Verify();
            try
            {
                Directory.Move(temporary, Path.Combine(root, id));
            }
            catch (IOException) when (Directory.Exists(Path.Combine(root, id)))
            {
                // Pulled at the same time by another build: the same content, by its hash.
            }

            return (FeedbackSnapshots.Read(root, id), true);
        }
        finally
        {
            Folders.DeleteQuietly(temporary);
        }
    }
}
