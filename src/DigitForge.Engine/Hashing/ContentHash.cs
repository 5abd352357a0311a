using System.Security.Cryptography;
using System.Text;

namespace DigitForge.Engine.Hashing;

/// <summary>SHA-256 content hashes as lower-case hex, the currency of fingerprints.</summary>
public static class ContentHash
{
    public static string OfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public static string OfBytes(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static string OfText(string text) => OfBytes(Encoding.UTF8.GetBytes(text));

    /// <summary>The first characters of a hash, for messages and names.</summary>
    public static string Short(string hash) => hash.Length <= 7 ? hash : hash[..7];
}
