using DigitForge.HackerNews.Stories;
using DigitForge.Kit.Splitting;

namespace DigitForge.HackerNews.Splitting;

/// <summary>The training and test stories, each in id order.</summary>
public sealed record StorySplit(IReadOnlyList<Story> Train, IReadOnlyList<Story> Test);

/// <summary>
/// Splits stories into training and test sets. The result depends only on the set of stories and
/// the config: not on their order (they are put in id order first; see <see cref="HoldoutSplit"/>).
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

        var (train, test) = config.Method switch
        {
            SplitMethod.Random => HoldoutSplit.Random(byId, config.TestFraction, config.Seed),
            SplitMethod.Time => HoldoutSplit.Latest(byId, story => story.CreatedAt, config.TestFraction),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Method, "unknown split method"),
        };

        // The test set is the tail: the last stories of the shuffle, or the newest ones.
        return new StorySplit([.. train.OrderBy(story => story.Id)], [.. test.OrderBy(story => story.Id)]);
    }
}
