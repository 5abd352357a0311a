namespace DigitForge.Data.Splitting;

/// <summary>Indices of the images in each split.</summary>
public sealed record SplitIndices(int[] Train, int[] Validation, int[] Test);

/// <summary>
/// Seeded, stratified splits: each class is shuffled on its own and cut in the same proportions,
/// so every split has the source's class balance, and the same seed gives the same split anywhere.
/// </summary>
public static class StratifiedSplitter
{
    /// <summary>Train/validation/test from one pool of images.</summary>
    public static SplitIndices Split(byte[] labels, double testFraction, double validationFraction, int seed, int maxPerClass = 0)
    {
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
            random.Shuffle(members);
            yield return maxPerClass > 0 && members.Length > maxPerClass ? members[..maxPerClass] : members;
        }
    }
}
