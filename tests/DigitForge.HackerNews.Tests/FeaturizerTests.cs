using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Stories;
using DigitForge.Kit.Modelling;
using Microsoft.ML;

namespace DigitForge.HackerNews.Tests;

[Trait("Category", "Unit")]
public sealed class FeaturizerTests
{
    private static IReadOnlyList<string> SlotNames(string folder)
    {
        var ml = new MLContext(seed: 0);
        var featurizer = ModelZip.Load(ml, Path.Combine(folder, Featurizer.ModelFile), out var input);
        return Featurizer.SlotNames(featurizer.GetOutputSchema(input));
    }

    [Fact]
    public void The_vocabulary_comes_from_frequent_training_words_and_pairs_without_stop_words()
    {
        using var folder = new TempDirectory();
        var train = SampleStories.Make(300, seed: 1).Append(new Story(1, "The zebra of the week", null, 1, 1, null, DateTimeOffset.UnixEpoch)).ToList();
        Featurizer.Fit(train, new FeaturesConfig(), folder.Path);

        var slots = SlotNames(folder.Path);
        slots.Should().Contain(["word.rust", "word.database", "word.hn"]);
        slots.Should().Contain(s => s.StartsWith("word.", StringComparison.Ordinal) && s.Contains('|'), "pairs of words are features too with n-gram length 2");
        slots.Should().NotContain("word.zebra", "a word in fewer training titles than the minimum count is not a feature");
        slots.Should().NotContain("word.the", "stop words are removed");
        slots.Should().NotContain(s => s.Any(char.IsUpper) && s.StartsWith("word.", StringComparison.Ordinal), "titles are lower-cased");
    }

    [Fact]
    public void Every_switched_on_feature_group_is_in_the_vector_and_the_summary()
    {
        using var folder = new TempDirectory();
        var summary = Featurizer.Fit(SampleStories.Make(300, seed: 1), new FeaturesConfig(), folder.Path);

        var slots = SlotNames(folder.Path);
        slots.Should().Contain(["domain.none", "domain.github.com", "author.user1", "ask_hn", "show_hn", "hour_utc", "weekday_utc", "title_chars", "title_words"]);
        summary.Groups.Select(g => g.Name).Should().Equal("word", "domain", "author", "ask_hn", "show_hn", "hour_utc", "weekday_utc", "title_chars", "title_words");
        summary.FeatureCount.Should().Be(slots.Count).And.Be(summary.Groups.Sum(g => g.Slots));
        JsonFile.Read<FeaturizeSummary>(Path.Combine(folder.Path, Featurizer.SummaryFile)).FeatureCount.Should().Be(summary.FeatureCount);
    }

    [Fact]
    public void Switched_off_groups_leave_the_vector()
    {
        using var folder = new TempDirectory();
        var config = new FeaturesConfig { Domain = false, Author = false, AskShowFlags = false, HourOfDay = false, Weekday = false, TitleLength = false, NgramLength = 1 };
        Featurizer.Fit(SampleStories.Make(300, seed: 1), config, folder.Path);

        var slots = SlotNames(folder.Path);
        slots.Should().NotBeEmpty().And.OnlyContain(s => s.StartsWith("word.", StringComparison.Ordinal) && !s.Contains('|'));
    }

    [Fact]
    public void Rare_domains_and_authors_get_no_column_of_their_own()
    {
        using var folder = new TempDirectory();
        var train = SampleStories.Make(300, seed: 1)
            .Append(new Story(1, "Once", "https://rare.example.net/x", 1, 1, "loner", DateTimeOffset.UnixEpoch))
            .ToList();
        Featurizer.Fit(train, new FeaturesConfig(), folder.Path);

        SlotNames(folder.Path).Should().NotContain(["domain.rare.example.net", "author.loner"]);
    }

    [Fact]
    public void Fitting_twice_on_the_same_stories_writes_the_same_bytes()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var train = SampleStories.Make(300, seed: 1);
        Featurizer.Fit(train, new FeaturesConfig(), first.Path);
        Featurizer.Fit(train, new FeaturesConfig(), second.Path);

        File.ReadAllBytes(second.File(Featurizer.ModelFile)).Should().Equal(File.ReadAllBytes(first.File(Featurizer.ModelFile)));
        File.ReadAllBytes(second.File(Featurizer.SummaryFile)).Should().Equal(File.ReadAllBytes(first.File(Featurizer.SummaryFile)));
    }
}
