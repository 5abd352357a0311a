using DigitForge.HackerNews.Splitting;
using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Tests.Splitting;

[Trait("Category", "Unit")]
public sealed class StorySplitterTests
{
    private static readonly DateTimeOffset Start = new(2016, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Ids 1..count, posted in an order unrelated to the ids (as with a real API's ids and edits).</summary>
    private static List<Story> Stories(int count) =>
        [.. Enumerable.Range(1, count).Select(id => new Story(id, $"story {id}", null, id % 7, id % 11, "a", Start.AddMinutes(id * 37 % count)))];

    [Theory]
    [InlineData(1000, 0.2, 200)]
    [InlineData(10, 0.25, 3)]
    [InlineData(3, 0.9, 2)]
    [InlineData(2, 0.01, 1)]
    public void The_test_set_is_the_fraction_rounded_up_and_both_sets_are_disjoint_and_complete(int count, double fraction, int expectedTest)
    {
        var stories = Stories(count);

        foreach (var method in Enum.GetValues<SplitMethod>())
        {
            var split = StorySplitter.Split(stories, new SplitConfig { Method = method, TestFraction = fraction });

            split.Test.Should().HaveCount(expectedTest);
            split.Train.Should().HaveCount(count - expectedTest);
            split.Train.Select(story => story.Id).Should().NotIntersectWith(split.Test.Select(story => story.Id));
            split.Train.Concat(split.Test).OrderBy(story => story.Id).Should().Equal(stories);
            split.Train.Should().BeInAscendingOrder(story => story.Id);
            split.Test.Should().BeInAscendingOrder(story => story.Id);
        }
    }

    [Fact]
    public void A_random_split_depends_on_the_seed_but_not_on_the_input_order()
    {
        var stories = Stories(500);
        var reversed = Enumerable.Reverse(stories).ToList();
        var config = new SplitConfig();

        var split = StorySplitter.Split(stories, config);

        var fromReversed = StorySplitter.Split(reversed, config);
        fromReversed.Train.Should().Equal(split.Train);
        fromReversed.Test.Should().Equal(split.Test);
        StorySplitter.Split(stories, new SplitConfig { Seed = 43 }).Test.Should().NotEqual(split.Test);
        split.Test.Select(story => story.Id).Should().NotEqual(Enumerable.Range(401, 100).Select(id => (long)id), "the test set is shuffled, not the last ids");
    }

    [Fact]
    public void The_random_split_is_pinned_so_every_machine_gets_the_same_one()
    {
        var split = StorySplitter.Split(Stories(20), new SplitConfig { Seed = 42, TestFraction = 0.2 });

        split.Test.Select(story => story.Id).Should().Equal(PinnedTestIds);
    }

    [Fact]
    public void A_time_split_tests_on_the_newest_stories_with_ties_broken_by_id()
    {
        var stories = Stories(100);
        stories.Add(new Story(1000, "tie, lower id", null, 1, 1, null, Start.AddDays(1)));
        stories.Add(new Story(1001, "tie, higher id", null, 1, 1, null, Start.AddDays(1)));

        var split = StorySplitter.Split(stories, new SplitConfig { Method = SplitMethod.Time, TestFraction = 0.01 });

        // ceil(0.01 * 102) = 2 stories: the two newest; with one it would be the tie's higher id.
        split.Test.Select(story => story.Id).Should().Equal(1000, 1001);
        var oneNewest = StorySplitter.Split(stories.Take(101).Append(stories[^1]).ToList(), new SplitConfig { Method = SplitMethod.Time, TestFraction = 0.005 });
        oneNewest.Test.Select(story => story.Id).Should().Equal(1001);

        var larger = StorySplitter.Split(Stories(300), new SplitConfig { Method = SplitMethod.Time });
        larger.Train.Max(story => story.CreatedAt).Should().BeOnOrBefore(larger.Test.Min(story => story.CreatedAt));
    }

    [Fact]
    public void Too_few_stories_or_repeated_ids_are_refused()
    {
        FluentActions.Invoking(() => StorySplitter.Split(Stories(1), new SplitConfig()))
            .Should().Throw<ArgumentException>().WithMessage("need at least 2 stories to split into training and test sets, got 1*");
        FluentActions.Invoking(() => StorySplitter.Split([.. Stories(3), Stories(3)[1]], new SplitConfig()))
            .Should().Throw<ArgumentException>().WithMessage("story id 2 appears more than once*");
    }

    [Fact]
    public void The_bundled_stories_split_as_the_seed_pipeline_does()
    {
        var stories = StoryFile.Read(RepoFiles.BundledStories);

        var split = StorySplitter.Split(stories, new SplitConfig());

        (split.Train.Count, split.Test.Count).Should().Be((16_000, 4_000));
    }

    // Checked against an independent Python SplitMix64 + Fisher-Yates.
    private static readonly long[] PinnedTestIds = [1, 6, 14, 16];
}
