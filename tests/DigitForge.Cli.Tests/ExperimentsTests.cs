using DigitForge.Cli.Commands;
using DigitForge.Engine.Config;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.History;
using Newtonsoft.Json.Linq;

namespace DigitForge.Cli.Tests;

/// <summary>The experiments verbs' reading of a real history file: filters, sorting and naming runs.</summary>
[Trait("Category", "Unit")]
public sealed class ExperimentsTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly RunHistory history;

    public ExperimentsTests()
    {
        history = new RunHistory(temp.File("history"));
        Record("20260101-000000-aaaaaa", epochs: 2, rate: 0.001, accuracy: 0.91);
        Record("20260102-000000-bbbbbb", epochs: 3, rate: 0.001, accuracy: 0.95);
        Record("20260103-000000-cccccc", epochs: 3, rate: 0.002, accuracy: null);
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Runs_come_with_their_flattened_parameters_of_which_two_differ()
    {
        var runs = Load().Runs;

        runs.Select(r => r.Run.Id).Should().Equal("20260101-000000-aaaaaa", "20260102-000000-bbbbbb", "20260103-000000-cccccc");
        runs[0].Params["train.epochs"].Should().Be("2");
        RunParameters.Differing([.. runs.Select(r => r.Params)]).Should().Equal("train.epochs", "train.learningRate");
    }

    [Fact]
    public void Filters_compare_numbers_as_numbers_and_all_must_hold()
    {
        var experiments = Load();

        experiments.Filter(["train.epochs=3"]).Select(r => r.Run.Id[^1]).Should().Equal('b', 'c');
        experiments.Filter(["train.epochs=3", "train.learningRate=2e-3"]).Select(r => r.Run.Id[^1]).Should().Equal('c');
        experiments.Filter(["accuracy=0.91"]).Select(r => r.Run.Id[^1]).Should().Equal('a');
        experiments.Filter(["target=evaluate"]).Should().HaveCount(3);
    }

    [Fact]
    public void A_filter_on_a_key_no_run_has_is_refused_listing_what_there_is()
    {
        var refuse = () => Load().Filter(["train.epoch=3"]);

        refuse.Should().Throw<ConfigException>().WithMessage("--filter 'train.epoch=3': no recorded run has a parameter, metric or field named 'train.epoch'*metrics are accuracy; parameters are train.epochs, train.learningRate, train.seed");
        ((Action)(() => Load().Filter(["epochs"]))).Should().Throw<ConfigException>().WithMessage("*expected KEY=VALUE*");
    }

    [Fact]
    public void Sorting_puts_the_largest_first_or_with_asc_the_smallest_and_runs_without_the_key_last()
    {
        var runs = Load().Runs;

        Experiments.Sort(runs, "accuracy").Select(r => r.Run.Id[^1]).Should().Equal('b', 'a', 'c');
        Experiments.Sort(runs, "accuracy:asc").Select(r => r.Run.Id[^1]).Should().Equal('a', 'b', 'c');
        Experiments.Sort(runs, "train.learningRate").Select(r => r.Run.Id[^1]).Should().Equal('c', 'a', 'b');
        ((Action)(() => Experiments.Sort(runs, "mae"))).Should().Throw<ConfigException>().WithMessage("--sort 'mae': none of the runs listed has a metric or parameter named 'mae'");
    }

    [Fact]
    public void A_run_is_named_by_its_id_a_unique_start_of_it_or_the_version_it_stored()
    {
        var experiments = Load();
        string? NoVersion(string reference) => null;

        experiments.Find("20260102-000000-bbbbbb", NoVersion).Run.Id.Should().EndWith("b");
        experiments.Find("20260103", NoVersion).Run.Id.Should().EndWith("c");
        experiments.Find("v7", reference => reference == "v7" ? "20260101-000000-aaaaaa" : null).Run.Id.Should().EndWith("a");
        ((Action)(() => experiments.Find("2026", NoVersion))).Should().Throw<ConfigException>().WithMessage("'2026' starts 3 run ids*");
        ((Action)(() => experiments.Find("nope", NoVersion))).Should().Throw<ConfigException>().WithMessage("'nope' is neither a run in * nor a model version; runs are: 20260101-000000-aaaaaa, *");
        ((Action)(() => experiments.Find("v9", _ => "20990101-000000-ffffff"))).Should().Throw<ConfigException>().WithMessage("v9 was made by run 20990101-000000-ffffff, which is not in *");
    }

    private Experiments Load()
    {
        var warnings = new StringWriter();
        var experiments = Experiments.Load(history, warnings);
        warnings.ToString().Should().BeEmpty();
        return experiments;
    }

    private void Record(string id, int epochs, double rate, double? accuracy)
    {
        var config = JObject.FromObject(new { train = new { epochs, learningRate = rate, seed = 42 } });
        history.Append(
            new RunLine
            {
                Run = id,
                At = DateTimeOffset.UtcNow,
                Process = "run",
                Start = true,
                Finish = true,
                User = "alice",
                Host = "build-01",
                Pipeline = "mnist",
                Target = "Evaluate",
                Config = "configs/mnist/ci.json",
                ConfigHash = CanonicalJson.Hash(config),
                Metrics = accuracy is { } a ? new Dictionary<string, double> { ["accuracy"] = a } : null,
            },
            config);
    }
}
