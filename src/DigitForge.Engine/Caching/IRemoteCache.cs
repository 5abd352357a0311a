namespace DigitForge.Engine.Caching;

/// <summary>
/// A shared store of cache entries (another machine's builds, CI): whole stage folders by fingerprint, and
/// feedback snapshots under names that are no fingerprint (<c>feedback-&lt;pipeline&gt;-&lt;id&gt;</c>).
/// A push must be atomic for readers: an entry is either absent or complete. Failures to reach the
/// store are <see cref="RemoteCacheException"/>s, which the build survives with a warning.
/// Beside the entries it keeps small text documents by name (a sweep's plan and its members' run
/// records, <c>sweeps/&lt;id&gt;/...</c>), so builds on many machines share them too.
/// </summary>
public interface IRemoteCache
{
    /// <summary>Where it is, for messages (no credentials).</summary>
    string Name { get; }

    /// <summary>Downloads the entry into the new folder <paramref name="destination"/>; false when the remote has none.</summary>
    bool TryPull(string fingerprint, string destination);

    /// <summary>Uploads the folder as the entry for <paramref name="fingerprint"/>, replacing any (a damaged one is so repaired).</summary>
    void Push(string fingerprint, string folder);

    /// <summary>Writes the document <paramref name="name"/> (a relative path of '/'-separated parts), replacing any in one step: a reader sees the old text or the new, never part of one.</summary>
    void PutDocument(string name, string text);

    /// <summary>The document's text; null when there is none.</summary>
    string? GetDocument(string name);

    /// <summary>The names of the documents whose names start with <paramref name="prefix"/>, in ordinal order.</summary>
    IReadOnlyList<string> ListDocuments(string prefix);
}

/// <summary>The remote cache could not be reached or answered with an error; the message says which and why.</summary>
public sealed class RemoteCacheException(string message, Exception? inner = null) : Exception(message, inner);
