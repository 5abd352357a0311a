using DigitForge.Engine.Config;
using DigitForge.Registry.Gate;
using Newtonsoft.Json.Linq;

namespace DigitForge.Registry.Tests;

[Trait("Category", "Unit")]
public sealed class QualityGateTests
{
    private static readonly GateConfig Config = new();

    [Fact]
    public void Defaults_are_98_percent_accuracy_95_percent_class_recall_and_a_0_2_point_tolerance()
    {
        Config.MinAccuracy.Should().Be(0.98);
        Config.MinClassRecall.Should().Be(0.95);
        Config.MaxAccuracyDrop.Should().Be(0.002);
    }

    [Fact]
    public void Out_of_range_settings_are_refused_by_the_config_loader()
    {
        var act = () => ConfigLoader<GateConfig>.Bind(new JObject { ["minAccuracy"] = 1.5 }, "gate.json");

        act.Should().Throw<ConfigException>().WithMessage("*'minAccuracy': 1.5 is out of range, expected 0 to 1*");
    }

    [Fact]
    public void Candidate_meeting_every_threshold_with_no_production_is_promoted()
    {
        var decision = QualityGate.Decide(TestModels.Metrics(0.991, 0.97), production: null, Config, TestModels.Digits);

        decision.Outcome.Should().Be(GateOutcome.Promote);
        decision.Failures.Should().BeEmpty();
        decision.Reasons.Should().Equal(
            "accuracy 99.10 % meets the minimum 98.00 %",
            "lowest class recall 97.00 % (digit 8) meets the minimum 95.00 %",
            "no production model yet: nothing to compare with");
    }

    [Fact]
    public void Accuracy_below_the_minimum_is_rejected_saying_measured_and_required()
    {
        var decision = QualityGate.Decide(TestModels.Metrics(0.975), production: null, Config, TestModels.Digits);

        decision.Outcome.Should().Be(GateOutcome.Reject);
        decision.Failures.Should().Equal("accuracy 97.50 % is below the minimum 98.00 %");
    }

    [Fact]
    public void Class_recall_below_the_minimum_is_rejected_naming_the_digit()
    {
        var decision = QualityGate.Decide(TestModels.Metrics(lowestRecall: 0.93), production: null, Config, TestModels.Digits);

        decision.Outcome.Should().Be(GateOutcome.Reject);
        decision.Failures.Should().Equal("lowest class recall 93.00 % (digit 8) is below the minimum 95.00 %");
    }

    [Fact]
    public void A_reason_names_the_weakest_class_as_its_pipeline_does()
    {
        string[] wines = ["class_0", "class_1", "class_2", "class_3", "class_4", "class_5", "class_6", "class_7", "barbera"];

        QualityGate.Decide(TestModels.Metrics(lowestRecall: 0.93), production: null, Config, wines).Failures
            .Should().Equal("lowest class recall 93.00 % (barbera) is below the minimum 95.00 %");
        QualityGate.Decide(TestModels.Metrics(lowestRecall: 0.93), production: null, Config, classNames: null).Failures
            .Should().Equal("lowest class recall 93.00 % (class 8) is below the minimum 95.00 %");
    }

    [Fact]
    public void Every_failed_threshold_is_listed()
    {
        var decision = QualityGate.Decide(TestModels.Metrics(0.9, 0.5), production: null, Config, TestModels.Digits);

        decision.Failures.Should().HaveCount(2);
    }

    [Fact]
    public void Exactly_the_minimum_passes()
    {
        var decision = QualityGate.Decide(TestModels.Metrics(0.98, 0.95), production: null, Config, TestModels.Digits);

        decision.Outcome.Should().Be(GateOutcome.Promote);
    }

    [Fact]
    public void Worse_than_production_beyond_the_tolerance_is_rejected()
    {
        var decision = QualityGate.Decide(TestModels.Metrics(0.9890), TestModels.Metrics(0.9920), Config, TestModels.Digits);

        decision.Outcome.Should().Be(GateOutcome.Reject);
        decision.Failures.Should().Equal("accuracy 98.90 % vs production 99.20 %: drop of 0.30 points exceeds the allowed 0.20 points");
    }

    [Theory]
    [InlineData(0.9910, "drop of 0.10 points is within the allowed 0.20 points")]
    [InlineData(0.9900, "drop of 0.20 points is within the allowed 0.20 points")]
    [InlineData(0.9930, "no drop")]
    public void Within_the_tolerance_of_production_is_promoted(double accuracy, string verdict)
    {
        var decision = QualityGate.Decide(TestModels.Metrics(accuracy), TestModels.Metrics(0.9920), Config, TestModels.Digits);

        decision.Outcome.Should().Be(GateOutcome.Promote);
        decision.Checks.Single(c => c.Rule == QualityGate.ProductionRule).Reason.Should().EndWith(verdict);
    }

    [Fact]
    public void Production_measured_on_another_test_set_is_not_compared_and_the_candidate_is_rejected_saying_so()
    {
        var decision = QualityGate.Decide(TestModels.Metrics(0.999), TestModels.Metrics(0.95, testSet: "0a1b2c3d4e5f"), Config, TestModels.Digits);

        decision.Outcome.Should().Be(GateOutcome.Reject);
        decision.Failures.Should().ContainSingle().Which.Should().Be(
            "cannot compare with production: it was measured on test set 0a1b2c3, the candidate on 5e7d1c0; "
            + "re-evaluate production on the same test set or promote with force");
    }
}
