using DigitForge.Kit.Metrics;

namespace DigitForge.Tabular.Tests.Kit;

/// <summary>The kit's classification and regression metrics on small cases worked by hand.</summary>
[Trait("Category", "Unit")]
public sealed class MetricsTests
{
    [Fact]
    public void Classification_metrics_weigh_each_class_alike_in_macro_F1()
    {
        // Truth a a a b; predicted a a b b: a's F1 = 2*2/(3+2) = 0.8, b's = 2*1/(1+2) = 0.6667.
        var metrics = ClassificationMetrics.Of(["a", "b"], [0, 0, 0, 1], [0, 0, 1, 1], [0.9, 0.8, 0.4, 0.7], "set");

        metrics.Accuracy.Should().Be(0.75);
        metrics.MacroF1.Should().BeApproximately(0.733333, 1e-6);
        metrics.LogLoss.Should().BeApproximately(-(Math.Log(0.9) + Math.Log(0.8) + Math.Log(0.4) + Math.Log(0.7)) / 4, 1e-6);
        metrics.Recall.Should().Equal(0.666667, 1.0);
        metrics.Confusion.Should().BeEquivalentTo(new[] { new[] { 2, 1 }, [0, 1] }, o => o.WithStrictOrdering());
        metrics.ToText().Should().StartWith("4 test examples: accuracy 75.00 %, macro-F1 0.7333");
    }

    [Fact]
    public void Regression_metrics_beside_the_training_mean_and_R2_undefined_on_a_constant_target()
    {
        var metrics = RegressionMetrics.Of([1, 2, 3, 4], [1, 2, 3, 6], trainingMean: 2, "set");

        metrics.Mae.Should().Be(0.5);
        metrics.Rmse.Should().Be(1);
        metrics.R2.Should().Be(0.2);
        metrics.MeanBaselineMae.Should().Be(1);
        RegressionMetrics.Of([2, 2], [1, 3], 2, "set").Figures().Should().NotContainKey("r2");
    }
}
