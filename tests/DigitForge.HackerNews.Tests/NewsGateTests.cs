using DigitForge.Registry.Gate;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Modelling;

namespace DigitForge.HackerNews.Tests;

[Trait("Category", "Unit")]
public sealed class NewsGateTests
{
    private static readonly NewsGateConfig Config = new() { MinSpearman = 0.10, MaxMaeIncrease = 0.02 };

    private static NewsMetrics Metrics(double mae, double? spearman, double medianMae = 22, string testSet = "aaaaaaaa11")
    {
        var model = new ScaleMetrics(0.01, mae, 50, spearman);
        var baseline = new ScaleMetrics(-0.1, medianMae, 56, null);
        return new NewsMetrics(testSet, 16000, 4000, NewsTarget.Log1p,
            new PredictorMetrics(model, model), new BaselineMetrics(24, baseline, baseline), new BaselineMetrics(3, baseline, baseline), []);
    }

    [Fact]
    public void A_model_beating_the_median_with_enough_rank_correlation_and_no_production_is_promoted()
    {
        var decision = NewsGate.Decide(Metrics(21.5, 0.15), null, Config);

        decision.Outcome.Should().Be(GateOutcome.Promote);
        decision.Reasons.Should().Equal(
            "MAE 21.50 comments vs 22.00 comments for always predicting the training median (3.0000): beats the baseline",
            "Spearman 0.1500 meets the minimum 0.1000",
            "no production model yet: nothing to compare with");
    }

    [Fact]
    public void Not_beating_the_median_baseline_rejects()
    {
        var decision = NewsGate.Decide(Metrics(22, 0.15), null, Config);

        decision.Outcome.Should().Be(GateOutcome.Reject);
        decision.Failures.Should().ContainSingle().Which.Should().EndWith("does not beat the baseline");
    }

    [Fact]
    public void A_weak_or_undefined_ranking_rejects()
    {
        NewsGate.Decide(Metrics(21, 0.05), null, Config).Failures.Should().Equal("Spearman 0.0500 is below the minimum 0.1000");
        NewsGate.Decide(Metrics(21, null), null, Config).Failures.Should().ContainSingle().Which.Should().StartWith("Spearman is undefined");
    }

    [Fact]
    public void An_mae_increase_within_the_tolerance_passes_and_beyond_it_rejects()
    {
        var production = Metrics(20, 0.15);

        NewsGate.Decide(Metrics(20.3, 0.15), production, Config).Reasons[2].Should().Be(
            "MAE 20.30 comments vs production 20.00 comments: increase of 1.50 % is within the allowed 2.00 %");
        var worse = NewsGate.Decide(Metrics(20.5, 0.15), production, Config);
        worse.Outcome.Should().Be(GateOutcome.Reject);
        worse.Failures.Should().Equal("MAE 20.50 comments vs production 20.00 comments: increase of 2.50 % exceeds the allowed 2.00 %");
        NewsGate.Decide(Metrics(19, 0.15), production, Config).Reasons[2].Should().EndWith("no increase");
    }

    [Fact]
    public void Metrics_from_another_test_set_are_not_compared()
    {
        var decision = NewsGate.Decide(Metrics(15, 0.3), Metrics(20, 0.15, testSet: "bbbbbbbb22"), Config);

        decision.Outcome.Should().Be(GateOutcome.Reject);
        decision.Failures.Should().ContainSingle().Which.Should().StartWith("cannot compare with production: it was measured on test set bbbbbbb, the candidate on aaaaaaa");
    }
}
