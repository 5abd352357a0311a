using DigitForge.Engine.Pipelines;
using DigitForge.Evaluation.Metrics;
using DigitForge.Evaluation.Robustness;

namespace DigitForge.Evaluation.Tests.Metrics;

/// <summary>A classification report's figures and two versions compared by them, as <c>models compare</c> prints it.</summary>
[Trait("Category", "Unit")]
public sealed class ReportFiguresTests
{
    // Three classes, three images each; "after" fixes one class-2 image and breaks one class-0 image.
    private static readonly ClassificationReport Before = Report([0, 0, 0, 1, 1, 1, 2, 2, 0]);
    private static readonly ClassificationReport After = Report([0, 0, 1, 1, 1, 1, 2, 2, 2]);
    private static readonly string[] Wines = ["barolo", "grignolino", "barbera"];

    [Fact]
    public void Every_figure_has_both_values_and_the_change_in_the_right_direction()
    {
        var comparison = Compare(Before, After, sameTestSet: true);

        comparison.Metrics.Should().HaveCount(8 + 3 * 3);
        var accuracy = comparison.Metrics.Single(m => m.Metric == "accuracy");
        (accuracy.Before, accuracy.After, accuracy.Improved).Should().Be((8 / 9.0, 8 / 9.0, false));
        comparison.Metrics.Single(m => m.Metric == "loss").Sense.Should().Be(MetricSense.LowerIsBetter);
        comparison.BetterClasses.Select(c => c.RecallOf).Should().Equal("barbera");
        comparison.WorseClasses.Select(c => c.RecallOf).Should().Equal("barolo");
    }

    [Fact]
    public void Text_and_markdown_name_both_versions_the_classes_and_mark_changes()
    {
        var comparison = Compare(Before, After, sameTestSet: false);

        comparison.ToText().Should().MatchRegex(@"barbera recall\s+0\.6667\s+1\.0000\s+\+0\.3333 better")
            .And.Contain("better classes (recall): barbera (+0.3333)")
            .And.Contain("worse classes (recall): barolo (-0.3333)")
            .And.Contain("warning: the two versions were measured on different test sets");
        comparison.ToMarkdown().Should().StartWith("### Model comparison: v0001 → v0002")
            .And.Contain("| barolo recall | 1.0000 | 0.6667 | -0.3333 worse |")
            .And.Contain("| accuracy | 0.8889 | 0.8889 | 0 |");
    }

    [Fact]
    public void Robustness_figures_compare_when_both_were_measured_with_the_same_seed()
    {
        static RobustnessReport Robust(int seed, double thinner, double inverted) => new(
            seed, 9, [new("thinner", "t", thinner), new("inverted-grey", "i", inverted)], thinner < inverted ? new("thinner", thinner) : new("inverted-grey", inverted));

        var comparison = Compare(Before with { Robustness = Robust(42, 0.3, 0.1) }, After with { Robustness = Robust(42, 0.8, 0.9) }, sameTestSet: true);
        var otherSeed = Compare(Before with { Robustness = Robust(42, 0.3, 0.1) }, After with { Robustness = Robust(7, 0.8, 0.9) }, sameTestSet: true);

        comparison.Metrics.Should().HaveCount(8 + 3 + 3 * 3);
        var worst = comparison.Metrics.Single(m => m.Metric == "worst shift accuracy (seed 42)");
        (worst.Before, worst.After, worst.Improved).Should().Be((0.1, 0.8, true));
        comparison.Metrics.Single(m => m.Metric == "inverted-grey accuracy (seed 42)").Change.Should().BeApproximately(0.8, 1e-12);
        otherSeed.Metrics.Should().HaveCount(8 + 3 * 3);
    }

    [Fact]
    public void Versions_with_no_figure_in_common_are_not_comparable()
    {
        var act = () => VersionComparison.Compare("v0001", [new("mae", 3, MetricSense.LowerIsBetter)], "v0002", [new("accuracy", 0.9, MetricSense.HigherIsBetter)], true);

        act.Should().Throw<ArgumentException>().WithMessage("v0001 and v0002 have no figure in common*");
    }

    private static VersionComparison Compare(ClassificationReport before, ClassificationReport after, bool sameTestSet) =>
        VersionComparison.Compare("v0001", ReportFigures.Of(before, Wines), "v0002", ReportFigures.Of(after, Wines), sameTestSet);

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
