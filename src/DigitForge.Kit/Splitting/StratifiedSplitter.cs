namespace DigitForge.Kit.Splitting;

/// <summary>Indices of the items (images, rows) in each split.</summary>
public sealed record SplitIndices(int[] Train, int[] Validation, int[] Test);

/// <summary>
/// Seeded, stratified splits: each class is shuffled on its own and cut in the same proportions,
/// so every split has the source's class balance, and the same seed gives the same split anywhere.
/// </summary>
public static class StratifiedSplitter
{
    /// <summary>
    /// Train/validation/test from one pool of images: per class, <paramref name="testFraction"/> goes to test and
    /// <paramref name="validationFraction"/> of the rest to validation (rounded); <paramref name="maxPerClass"/> &gt; 0
    /// first keeps a random subset of that many per class. Each list is in ascending index order.
    /// </summary>
    public static SplitIndices Split(byte[] labels, double testFraction, double validationFraction, int seed, int maxPerClass = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(testFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(testFraction, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(validationFraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(validationFraction, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxPerClass);
        var train = new List<int>();
        var validation = new List<int>();
        var test = new List<int>();
        foreach (var members in ShuffledClasses(labels, seed, maxPerClass))
        {
            var testCount = (int)Math.Round(members.Length * testFraction);
            var validationCount = (int)Math.Round((members.Length - testCount) * validationFraction);
            test.AddRange(members[..testCount]);
            validation.AddRange(members[testCount..(testCount + validationCount)]);
            train.AddRange(members[(testCount + validationCount)..]);
        }

        return new SplitIndices([.. train.Order()], [.. validation.Order()], [.. test.Order()]);
    }

    /// <summary>Train/validation from a training set; the source's official test set stays the test split.</summary>
    public static SplitIndices SplitWithOfficialTest(byte[] trainLabels, int testCount, double validationFraction, int seed, int maxPerClass = 0)
    {
        var split = Split(trainLabels, 0, validationFraction, seed, maxPerClass);
        return split with { Test = Enumerable.Range(0, testCount).ToArray() };
    }

    private static IEnumerable<int[]> ShuffledClasses(byte[] labels, int seed, int maxPerClass)
    {
        var random = new Random(seed);
        foreach (var label in labels.Distinct().Order())
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == label).ToArray();
            Shuffle(members, random);
            yield return maxPerClass > 0 && members.Length > maxPerClass ? members[..maxPerClass] : members;
        }
    }

    // Fisher-Yates spelled out (the same walk Random.Shuffle takes today) so the split depends only
    // on the seeded Random's number sequence, which .NET keeps stable, not on a library routine.
    private static void Shuffle(int[] items, Random random)
    {
        for (var i = 0; i < items.Length - 1; i++)
        {
            var j = random.Next(i, items.Length);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
