using DigitForge.Kit.Splitting;

namespace DigitForge.Tabular.Tests.Kit;

/// <summary>The kit's random and time holdouts: seeded, disjoint, the fraction rounded up.</summary>
[Trait("Category", "Unit")]
public sealed class HoldoutSplitTests
{
    private static readonly int[] Items = [.. Enumerable.Range(0, 10)];

    [Fact]
    public void A_seed_gives_the_same_disjoint_sets_and_another_seed_others()
    {
        var (train, test) = HoldoutSplit.Random(Items, 0.25, seed: 7);

        test.Should().HaveCount(3, "a quarter of 10 rounded up");
        train.Concat(test).Should().BeEquivalentTo(Items);
        HoldoutSplit.Random(Items, 0.25, seed: 7).Test.Should().Equal(test);
        HoldoutSplit.Random(Items, 0.25, seed: 8).Test.Should().NotEqual(test);
    }

    [Fact]
    public void The_time_holdout_tests_on_the_newest_items_and_keeps_one_of_each()
    {
        var (train, test) = HoldoutSplit.Latest(Items, i => -i, 0.2);

        test.Should().Equal(1, 0);
        train.Should().HaveCount(8);
        HoldoutSplit.TestCount(2, 0.99).Should().Be(1);
        FluentActions.Invoking(() => HoldoutSplit.Random([1], 0.5, 1)).Should().Throw<ArgumentException>().WithMessage("need at least 2 items*");
    }
}
