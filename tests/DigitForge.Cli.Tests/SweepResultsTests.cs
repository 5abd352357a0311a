using DigitForge.Cli.Commands;
using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Sweeps;

namespace DigitForge.Cli.Tests;

[Trait("Category", "Unit")]
public sealed class SweepResultsTests
{
    private static readonly SweepPlan Plan = new()
    {
        Id = "sw-0123456789",
        Pipeline = "hn",
        Config = "configs/hn/default.json",
        Target = "Evaluate",
        Jobs = 2,
        Prune = PruneRule.Median,
        ThreadsKey = null,
        Keys = ["train.leaves"],
        Members = [.. new[] { "m01", "m02", "m03", "m04", "m05" }.Select((name, i) => new SweepMember(name, new Dictionary<string, string> { ["train.leaves"] = $"{(i + 1) * 8}" }, [$"train.leaves={(i + 1) * 8}"]))],
    };

    [Fact]
    public void Each_member_takes_its_latest_run_and_the_best_done_member_follows_the_metric_sense()
    {
        RunRecord[] runs =
        [
            Run("m01", finished: true, mae: 10.0),
            Run("m02", finished: false, state: "failed (exit 1): disk full", at: 1),
            Run("m02", finished: true, mae: 9.0, at: 2),
            Run("m03", finished: false, state: "pruned at epoch 2"),
            Run("m04", finished: false),
            Run("m05", finished: true, mae: 1.0) with { Sweep = "sw-other" },
        ];

        var rows = SweepResults.Rows(Plan, runs, MetricSpec.Error("mae"));

        rows.Select(r => $"{r.Member.Name} {r.State}{(r.Best ? " *" : string.Empty)}").Should().Equal(
            "m01 done", "m02 done *", "m03 pruned at epoch 2", "m04 unfinished", "m05 pending");
        rows.Where(SweepResults.Settled).Select(r => r.Member.Name).Should().Equal("m01", "m02", "m03");
        SweepResults.Rows(Plan, runs, MetricSpec.Fraction("mae")).Single(r => r.Best).Member.Name.Should().Be("m01", "higher is better for a fraction");
    }

    [Fact]
    public void The_table_shows_swept_values_state_time_metrics_and_the_best()
    {
        var rows = SweepResults.Rows(Plan, [Run("m01", finished: true, mae: 10.0) with { Seconds = 12.3 }], MetricSpec.Error("mae"));
        SweepResults.Table(Plan, rows).Should().Equal(
            "member  train.leaves    state  seconds      mae  best",
            "m01                8     done     12.3  10.0000     *",
            "m02               16  pending        -        -      ",
            "m03               24  pending        -        -      ",
            "m04               32  pending        -        -      ",
            "m05               40  pending        -        -      ");
    }

    [Fact]
    public void The_sweep_page_lists_every_range_a_config_class_declares_as_declared()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "DigitForge.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("DigitForge.sln not found above the test's folder");
        }

        var page = File.ReadAllLines(Path.Combine(directory.FullName, "docs", "sweeps.md"));
        var declared = PipelineCatalog.All.SelectMany(p => SweepRanges.Declared(p.ConfigType).Select(r =>
            $"| `{p.Name}` | `{r.Key}` | {Number(r.Min)} to {Number(r.Max)}{(r.Log ? ", log-uniform" : string.Empty)} |")).ToList();
        declared.Should().NotBeEmpty();
        page.Where(l => l.StartsWith("| `", StringComparison.Ordinal) && l.Contains(" to ", StringComparison.Ordinal)).Should().BeEquivalentTo(declared, "docs/sweeps.md's table is the [SweepRange] attributes");
    }

    private static string Number(double value) => value.ToString(value is > 0 and <= 0.01 ? "0e-0" : "0.###", System.Globalization.CultureInfo.InvariantCulture);

    private static RunRecord Run(string member, bool finished, double? mae = null, string? state = null, int at = 0) => new()
    {
        Id = $"{Plan.Id}.{member}.{at}",
        StartedAt = DateTimeOffset.UnixEpoch.AddMinutes(at),
        FinishedAt = finished ? DateTimeOffset.UnixEpoch.AddMinutes(at + 1) : null,
        User = "u",
        Host = "h",
        Pipeline = "hn",
        Config = Plan.Config,
        ConfigHash = "c",
        Metrics = mae is { } value ? new Dictionary<string, double> { ["mae"] = value } : new Dictionary<string, double>(),
        Sweep = Plan.Id,
        Member = member,
        State = state ?? (finished ? "done" : null),
    };
}
