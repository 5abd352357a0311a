using DigitForge.Kit.Splitting;

namespace DigitForge.Tabular.Tests.Kit;

[Trait("Category", "Unit")]
public sealed class StratifiedSplitterTests
{
    // 1000 images: class 0 holds 300, classes 3..9 hold 100 each, classes 1 and 2 are absent.
    private static readonly byte[] Labels = [.. Enumerable.Range(0, 1000).Select(i => (byte)(i % 10 < 3 ? 0 : i % 10))];

    [Fact]
    public void Same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        var split = StratifiedSplitter.Split(Labels, 0.2, 0.1, seed: 1);
        var again = StratifiedSplitter.Split(Labels, 0.2, 0.1, seed: 1);
        var other = StratifiedSplitter.Split(Labels, 0.2, 0.1, seed: 2);

        again.Train.Should().Equal(split.Train);
        again.Validation.Should().Equal(split.Validation);
        again.Test.Should().Equal(split.Test);
        other.Test.Should().NotEqual(split.Test);
    }

    [Fact]
    public void Split_is_pinned_for_a_known_seed()
    {
        // Guards determinism across runs, machines and .NET updates: recipes depend on these exact indices.
        byte[] labels = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1];

        var split = StratifiedSplitter.Split(labels, 0.34, 0.25, seed: 42);

        split.Test.Should().Equal(2, 3, 8, 9);
        split.Validation.Should().Equal(1, 4);
    }

    [Fact]
    public void Every_index_lands_in_exactly_one_split()
    {
        var split = StratifiedSplitter.Split(Labels, 0.2, 0.1, seed: 1);

        split.Train.Concat(split.Validation).Concat(split.Test).Order().Should().Equal(Enumerable.Range(0, 1000));
    }

    [Fact]
    public void Each_split_keeps_the_class_proportions()
    {
        var split = StratifiedSplitter.Split(Labels, 0.2, 0.1, seed: 3);

        (split.Train.Length, split.Validation.Length, split.Test.Length).Should().Be((720, 80, 200));
        CountsOf(split.Test).Should().Equal(60, 0, 0, 20, 20, 20, 20, 20, 20, 20);
        CountsOf(split.Validation).Should().Equal(24, 0, 0, 8, 8, 8, 8, 8, 8, 8);
        CountsOf(split.Train).Should().Equal(216, 0, 0, 72, 72, 72, 72, 72, 72, 72);
    }

    [Fact]
    public void Max_per_class_keeps_a_seeded_subset_of_each_class_before_splitting()
    {
        var split = StratifiedSplitter.Split(Labels, 0.5, 0.5, seed: 3, maxPerClass: 20);
        var kept = split.Train.Concat(split.Validation).Concat(split.Test).ToArray();

        kept.Should().OnlyHaveUniqueItems();
        CountsOf(kept).Should().Equal(20, 0, 0, 20, 20, 20, 20, 20, 20, 20);
        CountsOf(split.Test).Should().Equal(10, 0, 0, 10, 10, 10, 10, 10, 10, 10);
        kept.Where(i => Labels[i] == 0).Should().NotEqual(Enumerable.Range(0, 1000).Where(i => Labels[i] == 0).Take(20), "the kept images are shuffled, not the first ones");
    }

    [Fact]
    public void Official_test_variant_splits_only_train_and_validation()
    {
        var split = StratifiedSplitter.SplitWithOfficialTest(Labels, testCount: 50, 0.1, seed: 3);

        split.Test.Should().Equal(Enumerable.Range(0, 50));
        split.Train.Concat(split.Validation).Order().Should().Equal(Enumerable.Range(0, 1000));
        CountsOf(split.Validation).Should().Equal(30, 0, 0, 10, 10, 10, 10, 10, 10, 10);
    }

    [Theory]
    [InlineData(-0.1, 0.1, 0)]
    [InlineData(1.0, 0.1, 0)]
    [InlineData(0.2, 1.0, 0)]
    [InlineData(0.2, 0.1, -1)]
    public void Out_of_range_arguments_are_rejected(double test, double validation, int maxPerClass)
    {
        var act = () => StratifiedSplitter.Split(Labels, test, validation, seed: 1, maxPerClass);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static int[] CountsOf(IEnumerable<int> indices)
    {
        var counts = new int[10];
        foreach (var index in indices)
        {
            counts[Labels[index]]++;
        }

        return counts;
    }
}
