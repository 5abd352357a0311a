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
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    // Paths are gathered here and hashed a buffer at a time: the same bytes, one native hash call per
    // few thousand paths instead of two per path (0.35 us of each file's listing).
    private readonly byte[] pending = new byte[1 << 16];
    private int used;

    public long Files { get; private set; }

    public void Add(string relativePath)
    {
        var most = Encoding.UTF8.GetMaxByteCount(relativePath.Length) + 1;
        if (used + most > pending.Length)
        {
            Flush();
        }

        if (most > pending.Length)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(relativePath));
            hash.AppendData([0]);
        }
        else
        {
            used += Encoding.UTF8.GetBytes(relativePath, pending.AsSpan(used));

            // NUL never occurs in a path, so the joined names cannot be read two ways.
            pending[used++] = 0;
        }

        Files++;
    }

    public string Sha256()
    {
        Flush();
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    public void Dispose() => hash.Dispose();

    private void Flush()
    {
        hash.AppendData(pending, 0, used);
        used = 0;
    }
}
