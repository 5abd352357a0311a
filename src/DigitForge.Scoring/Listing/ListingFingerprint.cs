using System.Security.Cryptography;
using System.Text;

namespace DigitForge.Scoring.Listing;

/// <summary>
/// What a run's folder listing held: the count and SHA-256 of the relative paths of every file a
/// complete run has a row for (all shards together), in listing order. Every shard of one folder
/// records the same fingerprint, and the merged rows of its shards must hash to it.
/// </summary>
public sealed class ListingFingerprint : IDisposable
{
    private static readonly byte[] Separator = [0];
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long Files { get; private set; }

    public void Add(string relativePath)
    {
        // NUL never occurs in a path, so the joined names cannot be read two ways.
        hash.AppendData(Encoding.UTF8.GetBytes(relativePath));
        hash.AppendData(Separator);
        Files++;
    }

    public string Sha256() => Convert.ToHexStringLower(hash.GetCurrentHash());

    public void Dispose() => hash.Dispose();
}
