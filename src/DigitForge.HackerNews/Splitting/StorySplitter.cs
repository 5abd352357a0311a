using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Splitting;

/// <summary>The training and test stories, each in id order.</summary>
public sealed record StorySplit(IReadOnlyList<Story> Train, IReadOnlyList<Story> Test);

/// <summary>
/// Splits stories into training and test sets. The result depends only on the set of stories and
/// the config: not on their order, the machine or the .NET version (the shuffle is our own SplitMix64).
/// </summary>
public static class StorySplitter
{
    public static StorySplit Split(IReadOnlyCollection<Story> stories, SplitConfig config)
    {
        if (stories.Count < 2)
        {
            throw new ArgumentException($"need at least 2 stories to split into training and test sets, got {stories.Count}", nameof(stories));
        }

        var byId = stories.OrderBy(story => story.Id).ToArray();
        for (var index = 1; index < byId.Length; index++)
        {
            if (byId[index].Id == byId[index - 1].Id)
            {
                throw new ArgumentException($"story id {byId[index].Id} appears more than once", nameof(stories));
            }
        }

        var testCount = TestCount(byId.Length, config.TestFraction);
        var ordered = config.Method switch
        {
            SplitMethod.Random => Shuffle(byId, config.Seed),
            SplitMethod.Time => [.. byId.OrderBy(story => story.CreatedAt).ThenBy(story => story.Id)],
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Method, "unknown split method"),
        };

        // The test set is the tail: the last stories of the shuffle, or the newest ones.
        var train = ordered[..^testCount].OrderBy(story => story.Id).ToList();
        var test = ordered[^testCount..].OrderBy(story => story.Id).ToList();
        return new StorySplit(train, test);
    }

    /// <summary>As scikit-learn: the test set is the fraction rounded up; both sets keep at least one story.</summary>
    public static int TestCount(int count, double testFraction) =>
        Math.Clamp((int)Math.Ceiling((decimal)testFraction * count), 1, count - 1);

    /// <summary>Fisher-Yates with SplitMix64, whose output is fixed by its definition.</summary>
    private static Story[] Shuffle(Story[] stories, int seed)
    {
        var shuffled = (Story[])stories.Clone();
        var state = (ulong)seed;
        for (var last = shuffled.Length - 1; last > 0; last--)
        {
            var pick = (int)(NextSplitMix64(ref state) % (ulong)(last + 1));
            (shuffled[last], shuffled[pick]) = (shuffled[pick], shuffled[last]);
        }

        return shuffled;
    }

    private static ulong NextSplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
