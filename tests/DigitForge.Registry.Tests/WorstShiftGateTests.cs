using DigitForge.Engine.Storage;
using DigitForge.Registry.Gate;
using Newtonsoft.Json;

namespace DigitForge.Registry.Tests;

/// <summary>The worst-shift accuracy: recorded in the metrics and the decision, checked only when a minimum is set.</summary>
[Trait("Category", "Unit")]
public sealed class WorstShiftGateTests
{
    private static ModelMetrics Robust(double worst) =>
        TestModels.Metrics() with { WorstShift = "inverted-grey", WorstShiftAccuracy = worst };

    [Fact]
    public void No_minimum_by_default()
    {
        new GateConfig().MinWorstShiftAccuracy.Should().BeNull();
    }

    [Fact]
    public void Without_a_minimum_the_figure_is_recorded_and_does_not_decide()
    {
        var decision = QualityGate.Decide(Robust(0.12), production: null, new GateConfig(), TestModels.Digits);

        decision.Outcome.Should().Be(GateOutcome.Promote);
        decision.Checks.Should().ContainSingle(c => c.Rule == QualityGate.WorstShiftRule)
            .Which.Reason.Should().Be("worst shift inverted-grey at 12.00 % (recorded; no minimum set)");
    }

    [Fact]
    public void Without_the_figure_or_a_minimum_there_is_no_check()
    {
        var decision = QualityGate.Decide(TestModels.Metrics(), production: null, new GateConfig(), TestModels.Digits);

        decision.Checks.Select(c => c.Rule).Should().NotContain(QualityGate.WorstShiftRule);
    }

    [Fact]
    public void Below_a_set_minimum_is_rejected_saying_measured_and_required()
    {
        var decision = QualityGate.Decide(Robust(0.62), production: null, new GateConfig { MinWorstShiftAccuracy = 0.7 }, TestModels.Digits);

        decision.Outcome.Should().Be(GateOutcome.Reject);
        decision.Failures.Should().Equal("worst shift inverted-grey at 62.00 % is below the minimum 70.00 %");
    }

    [Fact]
    public void Meeting_a_set_minimum_passes()
    {
        var decision = QualityGate.Decide(Robust(0.7), production: null, new GateConfig { MinWorstShiftAccuracy = 0.7 }, TestModels.Digits);

        decision.Outcome.Should().Be(GateOutcome.Promote);
        decision.Reasons.Should().Contain("worst shift inverted-grey at 70.00 % meets the minimum 70.00 %");
    }

    [Fact]
    public void A_set_minimum_rejects_a_candidate_without_the_figure()
    {
        var decision = QualityGate.Decide(TestModels.Metrics(), production: null, new GateConfig { MinWorstShiftAccuracy = 0.5 }, TestModels.Digits);

        decision.Outcome.Should().Be(GateOutcome.Reject);
        decision.Failures.Should().ContainSingle().Which.Should().Contain("no worst-shift accuracy").And.Contain("evaluate.robustness");
    }

    [Fact]
    public void Metrics_without_the_figure_keep_their_json_and_with_it_read_back_and_describe_it()
    {
        var settings = JsonFile.Settings;
        JsonConvert.SerializeObject(TestModels.Metrics(), settings).Should().NotContain("worstShift");

        var json = JsonConvert.SerializeObject(Robust(0.5), settings);
        JsonConvert.DeserializeObject<ModelMetrics>(json, settings).Should().BeEquivalentTo(Robust(0.5));
        Robust(0.5).Describe(TestModels.Digits).Should().EndWith("worst shift 50.00 % (inverted-grey)");
    }
}
