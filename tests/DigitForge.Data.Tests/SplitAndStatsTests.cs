using DigitForge.Data.Splitting;

namespace DigitForge.Data.Tests;

public sealed class SplitAndStatsTests
{
    private static readonly byte[] Labels = [.. Enumerable.Range(0, 1000).Select(i => (byte)(i % 10 < 3 ? 0 : i % 10))];

    [Fact]
    public void Split_is_disjoint_complete_and_deterministic()
    {
        var split = StratifiedSplitter.Split(Labels, 0.2, 0.1, seed: 1);
        var again = StratifiedSplitter.Split(Labels, 0.2, 0.1, seed: 1);

        split.Train.Concat(split.Validation).Concat(split.Test).Order().Should().Equal(Enumerable.Range(0, 1000));
        again.Train.Should().Equal(split.Train);
        again.Test.Should().Equal(split.Test);
        StratifiedSplitter.Split(Labels, 0.2, 0.1, seed: 2).Test.Should().NotEqual(split.Test);
    }

    [Fact]
    public void Split_keeps_class_proportions()
    {
        var split = StratifiedSplitter.Split(Labels, 0.2, 0.1, seed: 3);

        split.Test.Length.Should().Be(200);
        split.Test.Count(i => Labels[i] == 0).Should().Be(60);
        split.Validation.Count(i => Labels[i] == 0).Should().Be(24);
        split.Train.Count(i => Labels[i] == 5).Should().Be(72);
    }

    [Fact]
    public void Max_per_class_caps_each_class_before_splitting()
    {
        var split = StratifiedSplitter.Split(Labels, 0.5, 0.5, seed: 3, maxPerClass: 20);

        (split.Train.Length + split.Validation.Length + split.Test.Length).Should().Be(8 * 20);
    }

    [Fact]
    public void Official_test_variant_keeps_the_test_set_whole()
    {
        var split = StratifiedSplitter.SplitWithOfficialTest(Labels, testCount: 50, 0.1, seed: 3);

        split.Test.Should().Equal(Enumerable.Range(0, 50));
        (split.Train.Length + split.Validation.Length).Should().Be(1000);
    }

    [Fact]
    public void Normalization_stats_match_a_hand_computation()
    {
        var images = new LabelledImages([0, 255, 0, 255], [1], 2, 2);

        var stats = NormalizationStats.Compute(images);

        stats.Mean.Should().BeApproximately(0.5, 1e-12);
        stats.Std.Should().BeApproximately(0.5, 1e-12);
    }
}
