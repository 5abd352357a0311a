namespace DigitForge.Engine.Caching;

/// <summary>Which cache entries a gc removes: never a needed one; first those unused for longer than the age limit, then the least recently used until under the size limit.</summary>
public static class CachePruning
{
    public static IReadOnlyList<CacheEntry> Select(IReadOnlyList<CacheEntry> entries, IReadOnlySet<string> needed, DateTime nowUtc, TimeSpan? maxAge, long? maxBytes)
    {
        var removable = entries.Where(e => !needed.Contains(e.Fingerprint)).OrderBy(e => e.LastUsedUtc).ToList();
        var pruned = maxAge is { } age ? removable.Where(e => nowUtc - e.LastUsedUtc > age).ToList() : [];
        if (maxBytes is { } limit)
        {
            var total = entries.Sum(e => e.Bytes) - pruned.Sum(e => e.Bytes);
            foreach (var entry in removable.Except(pruned).TakeWhile(_ => total > limit))
            {
                pruned.Add(entry);
                total -= entry.Bytes;
            }
        }

        return pruned;
    }
}
