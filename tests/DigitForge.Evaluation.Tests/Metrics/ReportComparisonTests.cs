using DigitForge.Evaluation.Metrics;
using DigitForge.Evaluation.Robustness;

namespace DigitForge.Evaluation.Tests.Metrics;

[Trait("Category", "Unit")]
public sealed class ReportComparisonTests
{
    // Three classes, three images each; "after" fixes one class-2 image and breaks one class-0 image.
    private static readonly ClassificationReport Before = Report([0, 0, 0, 1, 1, 1, 2, 2, 0]);
    private static readonly ClassificationReport After = Report([0, 0, 1, 1, 1, 1, 2, 2, 2]);

    [Fact]
    public void Every_metric_has_both_values_and_the_change_in_the_right_direction()
    {
        var comparison = ReportComparison.Compare("v0001", Before, "v0002", After, sameTestSet: true);

        comparison.Metrics.Should().HaveCount(8 + 3 * 3);
        var accuracy = comparison.Metrics.Single(m => m.Metric == "accuracy");
        (accuracy.Before, accuracy.After, accuracy.Improved).Should().Be((8 / 9.0, 8 / 9.0, false));
        comparison.Metrics.Single(m => m.Metric == "loss").HigherIsBetter.Should().BeFalse();
        comparison.BetterClasses.Select(c => c.Metric).Should().Equal("2");
        comparison.WorseClasses.Select(c => c.Metric).Should().Equal("0");
    }

    [Fact]
    public void Text_and_markdown_name_both_versions_and_mark_changes()
    {
        var comparison = ReportComparison.Compare("v0001", Before, "v0002", After, sameTestSet: false);

        comparison.ToText().Should().MatchRegex(@"digit 2 recall\s+0\.6667\s+1\.0000\s+\+0\.3333 better")
            .And.Contain("better digits (recall): 2 (+0.3333)")
            .And.Contain("worse digits (recall): 0 (-0.3333)")
            .And.Contain("warning: the two versions were measured on different test sets");
        comparison.ToMarkdown().Should().StartWith("### Model comparison: v0001 → v0002")
            .And.Contain("| digit 0 recall | 1.0000 | 0.6667 | -0.3333 worse |")
            .And.Contain("| accuracy | 0.8889 | 0.8889 | 0 |");
    }

    [Fact]
    public void Robustness_figures_compare_when_both_were_measured_with_the_same_seed()
    {
        static RobustnessReport Robust(int seed, double thinner, double inverted) => new(
            seed, 9, [new("thinner", "t", thinner), new("inverted-grey", "i", inverted)], thinner < inverted ? new("thinner", thinner) : new("inverted-grey", inverted));

        var comparison = ReportComparison.Compare(
            "v0001", Before with { Robustness = Robust(42, 0.3, 0.1) }, "v0002", After with { Robustness = Robust(42, 0.8, 0.9) }, sameTestSet: true);
        var otherSeed = ReportComparison.Compare(
            "v0001", Before with { Robustness = Robust(42, 0.3, 0.1) }, "v0002", After with { Robustness = Robust(7, 0.8, 0.9) }, sameTestSet: true);

        comparison.Metrics.Should().HaveCount(8 + 3 + 3 * 3);
        var worst = comparison.Metrics.Single(m => m.Metric == "worst shift accuracy");
        (worst.Before, worst.After, worst.Improved).Should().Be((0.1, 0.8, true));
        comparison.Metrics.Single(m => m.Metric == "inverted-grey accuracy").Change.Should().BeApproximately(0.8, 1e-12);
        otherSeed.Metrics.Should().HaveCount(8 + 3 * 3);
    }

    private static ClassificationReport Report(byte[] predictions)
    {
        byte[] labels = [0, 0, 0, 1, 1, 1, 2, 2, 2];
        var logits = new float[labels.Length * 3];
        for (var i = 0; i < labels.Length; i++)
        {
            logits[i * 3 + predictions[i]] = 5f;
        }

        return ClassificationMetrics.Compute(logits, labels, 3);
    }
}
