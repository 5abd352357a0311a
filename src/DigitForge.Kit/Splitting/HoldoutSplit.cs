namespace DigitForge.Kit.Splitting;

/// <summary>
/// Train and test sets cut from one list: the test set is its tail after a seeded shuffle (random) or after ordering
/// by a key (time: the newest items). The result depends only on the items, their order given and the seed: not on
/// the machine or the .NET version (the shuffle is our own SplitMix64).
/// </summary>
public static class HoldoutSplit
{
    /// <summary>As scikit-learn: the test set is the fraction rounded up; both sets keep at least one item.</summary>
    public static int TestCount(int count, double testFraction) =>
        Math.Clamp((int)Math.Ceiling((decimal)testFraction * count), 1, count - 1);

    /// <summary>The last <see cref="TestCount"/> items of a seeded shuffle of <paramref name="items"/> are the test set.</summary>
    public static (T[] Train, T[] Test) Random<T>(IReadOnlyList<T> items, double testFraction, int seed) =>
        Tail(Shuffle([.. items], seed), testFraction);

    /// <summary>The items with the largest keys (ties in the order given) are the test set.</summary>
    public static (T[] Train, T[] Test) Latest<T, TKey>(IReadOnlyList<T> items, Func<T, TKey> key, double testFraction) =>
        Tail([.. items.OrderBy(key)], testFraction);

    private static (T[] Train, T[] Test) Tail<T>(T[] ordered, double testFraction)
    {
        if (ordered.Length < 2)
        {
            throw new ArgumentException($"need at least 2 items to split into training and test sets, got {ordered.Length}", nameof(ordered));
        }

        var testCount = TestCount(ordered.Length, testFraction);
        return (ordered[..^testCount], ordered[^testCount..]);
    }

    /// <summary>Fisher-Yates with SplitMix64, whose output is fixed by its definition.</summary>
    private static T[] Shuffle<T>(T[] items, int seed)
    {
        var state = (ulong)seed;
        for (var last = items.Length - 1; last > 0; last--)
        {
            var pick = (int)(NextSplitMix64(ref state) % (ulong)(last + 1));
            (items[last], items[pick]) = (items[pick], items[last]);
        }

        return items;
    }

    private static ulong NextSplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
