using DigitForge.Evaluation.Metrics;

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
