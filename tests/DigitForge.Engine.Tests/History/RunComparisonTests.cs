using DigitForge.Engine.History;
using Newtonsoft.Json.Linq;

namespace DigitForge.Engine.Tests.History;

[Trait("Category", "Unit")]
public sealed class RunComparisonTests
{
    [Fact]
    public void A_config_flattens_into_dotted_keys_with_arrays_as_compact_json_and_invariant_numbers()
    {
        var config = JObject.Parse("""{"train":{"epochs":2,"learningRate":0.001,"schedule":{"gamma":0.1},"optimizer":"adam","augment":true},"model":{"channels":[32,64]},"data":{"folder":null,"extra":{}}}""");

        ConfigFlattener.Flatten(config).Should().Equal(new Dictionary<string, string>
        {
            ["data.extra"] = "{}",
            ["data.folder"] = "null",
            ["model.channels"] = "[32,64]",
            ["train.augment"] = "true",
            ["train.epochs"] = "2",
            ["train.learningRate"] = "0.001",
            ["train.optimizer"] = "adam",
            ["train.schedule.gamma"] = "0.1",
        });
    }

    [Fact]
    public void Only_keys_whose_value_or_presence_differs_between_runs_are_listed()
    {
        IReadOnlyDictionary<string, string>[] runs =
        [
            new Dictionary<string, string> { ["a"] = "1", ["b"] = "x", ["c"] = "same" },
            new Dictionary<string, string> { ["a"] = "2", ["b"] = "x", ["c"] = "same" },
            new Dictionary<string, string> { ["a"] = "1", ["c"] = "same" },
        ];

        RunParameters.Differing(runs).Should().Equal("a", "b");
        RunParameters.Differing(runs[..1]).Should().BeEmpty("one run differs from nothing");
    }

    [Fact]
    public void A_diff_names_each_changed_key_old_to_new_and_every_metric_with_its_delta()
    {
        var diff = RunDiff.Between(
            "r1", new Dictionary<string, string> { ["train.epochs"] = "2", ["train.seed"] = "42", ["gone"] = "x" }, new Dictionary<string, double> { ["accuracy"] = 0.90, ["loss"] = 0.5 },
            "r2", new Dictionary<string, string> { ["train.epochs"] = "3", ["train.seed"] = "42", ["new"] = "y" }, new Dictionary<string, double> { ["accuracy"] = 0.95 });

        diff.Parameters.Should().Equal(
            new ParameterChange("gone", "x", null), new ParameterChange("new", null, "y"), new ParameterChange("train.epochs", "2", "3"));
        diff.Metrics.Select(m => m.Name).Should().Equal("accuracy", "loss");
        diff.Metrics[0].Delta.Should().BeApproximately(0.05, 1e-12);
        diff.Metrics[1].Should().Be(new MetricChange("loss", 0.5, null));
        diff.Metrics[1].Delta.Should().BeNull();
    }
}
