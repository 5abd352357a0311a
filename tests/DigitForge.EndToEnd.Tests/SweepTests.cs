using System.Text.RegularExpressions;
using DigitForge.Engine.Hashing;
using Newtonsoft.Json.Linq;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// Real sweeps of a tiny MNIST recipe through <c>digitforge sweep</c>: killed with kill -9 while
/// members build and run again, pruned by the median, and one member rebuilt alone by the
/// <c>./build.sh</c> line the sweep printed for it.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(BuildLanes.First)]
public sealed partial class SweepTests : IDisposable
{
    // 20 images per class and 2 epochs: a member trains in seconds.
    private static readonly string[] Tiny = ["--config", "configs/mnist/ci.json", "--set=preprocess.maxPerClass=20", "--set=train.epochs=2"];

    private readonly RepoBuild build = new();

    public void Dispose() => build.Dispose();

    [Fact]
    public void A_sweep_killed_halfway_finishes_only_the_missing_members_and_a_member_rebuilds_bit_identically()
    {
        string[] sweep = ["sweep", .. Tiny, "--sweep=train.seed=1..4", "--jobs=2", "--prune=median"];
        var killed = build.Cli(sweep, killWhen: line => DoneLine().IsMatch(line));
        killed.Killed.Should().BeTrue(killed.ToString());
        var id = SweepId().Match(killed.Output).Groups[1].Value;
        id.Should().NotBeEmpty(killed.ToString());
        var before = Rows(id);
        var settled = before.Where(r => r.Value<string>("state") is "done" || r.Value<string>("state")!.StartsWith("pruned at epoch", StringComparison.Ordinal))
            .Select(r => r.Value<string>("member")).ToList();
        settled.Should().NotBeEmpty().And.HaveCountLessThan(4, "the sweep was killed while members were still building");

        var rerun = build.Cli(sweep);
        rerun.ExitCode.Should().Be(0, rerun.ToString());
        rerun.Output.Should().Contain($"{settled.Count} members already recorded; building the {4 - settled.Count} missing");
        foreach (var member in settled)
        {
            rerun.Output.Should().NotContain($"{member}: building", "a member recorded as done is not built again");
        }

        var rows = Rows(id);
        rows.Select(r => r.Value<string>("state")).Should().OnlyContain(s => s == "done" || s!.StartsWith("pruned at epoch"));
        rows.Count(r => r.Value<bool>("best")).Should().Be(1);

        // Ingest and Preprocess ran once, in the sweep's shared build: no member ran them.
        foreach (var row in rows.Where(r => r.Value<string>("state") == "done"))
        {
            row["stages"]!.Where(s => s.Value<string>("stage") is "Ingest" or "Preprocess").Select(s => s.Value<string>("outcome"))
                .Should().HaveCount(2).And.NotContain("ran", row.ToString());
        }

        // m01 has no three peers at any epoch, so it is never pruned. A done member's printed line rebuilds it alone (the kill
        // may fall between a member's record and its line, so the line of another done member may be the one printed).
        rows.Single(r => r.Value<string>("member") == "m01").Value<string>("state").Should().Be("done");
        var done = rows.Where(r => r.Value<string>("state") == "done").ToDictionary(r => r.Value<string>("member")!);
        var printed = (killed.Output + rerun.Output).Split('\n').Select(l => l.TrimEnd()).First(l => DoneLine().IsMatch(l) && done.ContainsKey(l[..l.IndexOf(':')]));
        var chosen = printed[..printed.IndexOf(':')];
        var train = done[chosen]["stages"]!.Single(s => s.Value<string>("stage") == "Train").Value<string>("fingerprint")!;
        var swept = ContentHash.OfFile(Path.Combine(build.Cache, "stages", train[..2], train, "model.weights"));
        var line = RebuildLine().Match(printed).Groups[1].Value;
        line.Should().Contain("--set=train.threads=").And.Contain($"--set=train.seed={int.Parse(chosen[1..], System.Globalization.CultureInfo.InvariantCulture)}");

        using var alone = new RepoBuild();
        var rebuilt = alone.Run([.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries)]);
        rebuilt.ExitCode.Should().Be(0, rebuilt.ToString());
        ContentHash.OfFile(alone.StageFile("Train", "model.weights")).Should().Be(swept, "the rebuild line gives the member's weights");
    }

    [Fact]
    public void A_member_worse_than_the_median_is_pruned_with_its_curve_and_is_never_the_best()
    {
        // One at a time, so the three members before it have reached every epoch when the last one reports;
        // the ci recipe's 60 images per class, so the three learn in an epoch and the one that cannot learn is behind.
        var result = build.Cli(["sweep", "--config", "configs/mnist/ci.json", "--set=train.epochs=3", "--set=train.earlyStopping.enabled=false", "--sweep=train.learningRate=0.001,0.002,0.003,1e-7", "--prune=median"]);
        result.ExitCode.Should().Be(0, result.ToString());
        var id = SweepId().Match(result.Output).Groups[1].Value;
        var rows = Rows(id);
        var pruned = rows.Single(r => r.Value<string>("member") == "m04");
        pruned.Value<string>("state").Should().StartWith("pruned at epoch ");
        var epoch = int.Parse(pruned.Value<string>("state")!["pruned at epoch ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        ((JArray)pruned["curve"]!).Should().HaveCount(epoch);
        ((JObject)pruned["metrics"]!).Should().BeEmpty();
        pruned.Value<bool>("best").Should().BeFalse();
        pruned["stages"]!.Select(s => s.Value<string>("stage")).Should().NotContain("Train", "a pruned Train commits nothing");
        rows.Where(r => r.Value<string>("member") != "m04").Should().OnlyContain(r => r.Value<string>("state") == "done");

        var table = build.Run(["--target=Experiments", $"--sweep={id}"]);
        table.ExitCode.Should().Be(0, table.ToString());
        table.Output.Should().MatchRegex(@"m04\s+1e-7\s+\d+\s+pruned at epoch \d");

        // Promoting the best builds nothing the sweep built again, and the version's run names the sweep.
        var best = rows.Single(r => r.Value<bool>("best")).Value<string>("member");
        // Through the build's Sweep target this time: the same sweep, found by its id.
        var promoted = build.Run(["--target=Sweep", "--config=configs/mnist/ci.json", "--set=train.epochs=3", "--set=train.earlyStopping.enabled=false", "--sweep=train.learningRate=0.001,0.002,0.003,1e-7", "--prune=median", "--promote-best"]);
        promoted.ExitCode.Should().Be(0, promoted.ToString());
        promoted.Output.Should().Contain("4 members already recorded; building the 0 missing").And.Contain($"promoting {best} through the quality gate (run {id}.promote-{best}.");
        var version = build.Cli(["models", "show", "1"]);
        version.ExitCode.Should().Be(0, version.ToString());
        version.Output.Should().MatchRegex($@"run\s+{id}\.promote-{best}\.");
    }

    [Theory]
    [InlineData("--sweep=train.learningRat=0.1,0.2", "error: sweep member m01 (train.learningRat=0.1): ", "'train.learningRat': unknown key")]
    [InlineData("--sweep=train.seed=3..1", "error: --sweep 'train.seed=3..1': ", "empty range (3 is above 1)")]
    [InlineData("--sweep=train.seed=1..65", "error: the grid has 65 members ", "(65 train.seed), more than --max-runs=64")]
    [InlineData("--sweep=train.learningRate=0.1,20", "error: sweep member m02 (train.learningRate=20): ", "'train.learningRate': 20 is out of range")]
    public void A_bad_sweep_is_one_line_and_exit_code_2_before_any_work(string sweep, string start, string names)
    {
        var result = build.Cli(["sweep", .. Tiny, sweep]);
        result.ExitCode.Should().Be(2, result.ToString());
        var error = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle().Subject;
        error.Should().StartWith(start).And.Contain(names);
        Directory.Exists(Path.Combine(build.Home, "sweeps")).Should().BeFalse("nothing was written");
    }

    private List<JObject> Rows(string id)
    {
        var listed = build.Cli(["experiments", "--sweep", id, "--json"]);
        listed.ExitCode.Should().Be(0, listed.ToString());
        return [.. JArray.Parse(listed.Output).Cast<JObject>()];
    }

    [GeneratedRegex(@"^m\d+: done")]
    private static partial Regex DoneLine();

    [GeneratedRegex(@"^sweep (sw-[0-9a-f]+):", RegexOptions.Multiline)]
    private static partial Regex SweepId();

    [GeneratedRegex(@"rebuild: \./build\.sh (.+)$")]
    private static partial Regex RebuildLine();
}
