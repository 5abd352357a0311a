using DigitForge.Engine.History;
using Newtonsoft.Json.Linq;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// Three real builds of configs/mnist/ci.json with different <c>--set</c> values, then
/// <c>digitforge experiments</c> over their recorded runs. Each build gets the run id and target in
/// its environment, as the build script's history lines export them.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(BuildLanes.Second)]
public sealed class ExperimentsTests : IDisposable
{
    private readonly RepoBuild build = new();

    public void Dispose() => build.Dispose();

    [Fact]
    public void Three_builds_are_three_runs_listing_exactly_the_differing_params_with_their_accuracy_and_diff_names_the_changed_keys()
    {
        // Two trainings (1 and 2 epochs); the third build re-runs only Evaluate.
        string[][] overrides = [["--set=train.epochs=1"], [], ["--set=evaluate.batchSize=500"]];
        var accuracies = new List<double>();
        for (var i = 0; i < overrides.Length; i++)
        {
            build.Environment[RunId.Variable] = $"e2e-run-{i}";
            build.Environment[RunId.TargetVariable] = "Evaluate";
            var result = build.Run(["--target=Evaluate", "--config=configs/mnist/ci.json", .. overrides[i]]);
            result.ExitCode.Should().Be(0, result.ToString());
            accuracies.Add(JObject.Parse(File.ReadAllText(build.StageFile("Evaluate", "metrics.json"))).Value<double>("accuracy"));
        }

        build.Environment.Remove(RunId.Variable);
        var listed = build.Cli(["experiments", "--json"]);
        listed.ExitCode.Should().Be(0, listed.ToString());
        var runs = JArray.Parse(listed.Output);
        runs.Select(r => r.Value<string>("id")).Should().Equal("e2e-run-0", "e2e-run-1", "e2e-run-2");
        runs.Select(r => ((JObject)r["params"]!).Properties().Select(p => $"{p.Name}={p.Value}")).Should().BeEquivalentTo(
            new[]
            {
                new[] { "evaluate.batchSize=1000", "train.epochs=1" },
                new[] { "evaluate.batchSize=1000", "train.epochs=2" },
                new[] { "evaluate.batchSize=500", "train.epochs=2" },
            },
            options => options.WithStrictOrdering());
        runs.Select(r => r["metrics"]!.Value<double>("accuracy")).Should().Equal(accuracies);
        runs.Should().OnlyContain(r => r.Value<bool>("finished"));
        runs[0]["stages"]!.Select(s => s.Value<string>("outcome")).Should().Equal("ran", "ran", "ran", "ran");
        runs[2]["stages"]!.Select(s => $"{s.Value<string>("stage")} {s.Value<string>("outcome")}").Should().Equal(
            "Ingest skipped", "Preprocess skipped", "Train skipped", "Evaluate ran");

        var diff = build.Cli(["experiments", "diff", "e2e-run-0", "e2e-run-2"]);
        diff.ExitCode.Should().Be(0, diff.ToString());
        diff.Output.Should().Contain("parameters changed (A -> B): 2")
            .And.Contain("evaluate.batchSize: 1000 -> 500")
            .And.Contain("train.epochs: 1 -> 2")
            .And.MatchRegex(@"accuracy\s+0\.\d{4}\s+0\.\d{4}\s+[+-]\d\.\d{4}");

        // plots diff: run 0's curve comes from the stage cache (its Train is no longer the current one), run 1's from Train's outputs.
        var figure = Path.Combine(build.Artifacts, "curves.svg");
        var plot = build.Cli(["experiments", "plot", "e2e-run-0", "e2e-run-1", "--out", figure]);
        plot.ExitCode.Should().Be(0, plot.ToString());
        plot.Output.Should().Contain($"wrote {figure}: run e2e-run-0 (1 epochs) and run e2e-run-1 (2 epochs)");
        File.ReadAllText(figure).Should().Contain("<svg").And.Contain("</svg>");
        var unknown = build.Cli(["experiments", "plot", "e2e-run-0", "no-such-run", "--out", figure]);
        unknown.ExitCode.Should().Be(2, unknown.ToString());
    }
}
