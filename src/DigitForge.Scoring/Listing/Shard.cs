using System.Globalization;
using System.Text;

namespace DigitForge.Scoring.Listing;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (1-based, as in <c>--shard 2/4</c>). A file belongs
/// to exactly one shard, chosen from a hash of its relative path alone, so n machines listing the same
/// folder split it with no overlap and no gap, whatever order their file systems list it in, and a
/// file added later does not move any other file to another shard.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    public static readonly Shard All = new(1, 1);

    /// <summary>Parses "i/n" with 1 &lt;= i &lt;= n; throws <see cref="FormatException"/> naming the value.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count >= 1 && index >= 1 && index <= count)
        {
            return new Shard(index, count);
        }

        throw new FormatException($"shard '{text}' is not i/n with 1 <= i <= n, e.g. 1/4");
    }

    public bool Contains(string relativePath) =>
        Count == 1 || (int)(Fnv1a(relativePath) % (ulong)Count) == Index - 1;

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>64-bit FNV-1a over the UTF-8 bytes: fixed by its spec, unlike string.GetHashCode, which is randomised per process.</summary>
    private static ulong Fnv1a(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
