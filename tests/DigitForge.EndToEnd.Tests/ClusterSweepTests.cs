using System.Text.RegularExpressions;
using DigitForge.Engine.Diagnostics;
using DigitForge.Engine.Hashing;
using DigitForge.Remote;
using DigitForge.Tests.Azurite;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// A sweep built as the Kubernetes Job builds it (deploy/kubernetes/sweep-job.yaml): planned once,
/// then each member by a process of its own in a working folder of its own (four machines), against
/// one Azure Blob endpoint (Azurite); one machine is killed with kill -9 mid-build and started again.
/// The members' runs merged into a history give the table a sweep on one machine gives.
/// </summary>
[Trait("Category", "EndToEnd")]
[Trait("Category", "Azurite")]
[Collection(BuildLanes.Second)]
public sealed partial class ClusterSweepTests(ITestOutputHelper output) : IClassFixture<PrerequisiteReport>, IDisposable
{
    private const string Container = "digitforge-cache";

    // The ci recipe with 20 images per class and one thread per member: a member trains in seconds.
    private static readonly string[] Sweep = ["sweep", "--config", "configs/mnist/ci.json", "--set=preprocess.maxPerClass=20", "--set=train.threads=1", "--sweep=train.seed=1..4"];

    // Started by the test, which skips when Azurite cannot be had (see AzuriteServer).
    private readonly Lazy<AzuriteServer> azurite = new(() => new AzuriteServer());
    private readonly List<RepoBuild> machines = [];
    private readonly TempDirectory temp = new();

    public void Dispose()
    {
        machines.ForEach(m => m.Dispose());
        if (azurite.IsValueCreated)
        {
            azurite.Value.Dispose();
        }

        temp.Dispose();
    }

    [SkippableFact]
    public void Four_machines_and_a_killed_one_give_the_table_and_weights_of_a_sweep_on_one_machine()
    {
        var planner = Machine(remote: true);
        var planned = planner.Cli([.. Sweep, "--plan-only"]);
        planned.ExitCode.Should().Be(0, planned.ToString());
        var id = SweepId().Match(planned.Output).Groups[1].Value;
        planned.Output.Should().Contain($"uploaded to azure://{Container}").And.Contain("completions: 4");

        // Machine 1 stops after Preprocess (its outputs pushed), is killed there, and is started again.
        var pause = temp.File("paused");
        var pods = Enumerable.Range(0, 4).Select(_ => Machine(remote: true)).ToList();
        pods[1].Environment[FaultPoints.Variable] = $"{FaultPoints.RunAfterStage.Name}:Preprocess=pause({pause})";
        var results = pods.Select((pod, index) => Task.Run(() => pod.Cli(
            [.. Member(id, index)],
            killIf: index == 1 ? () => File.Exists(pause) : null))).ToArray();
        Task.WaitAll(results);
        results[1].Result.Killed.Should().BeTrue(results[1].Result.ToString());
        foreach (var index in new[] { 0, 2, 3 })
        {
            results[index].Result.ExitCode.Should().Be(0, results[index].Result.ToString());
            results[index].Result.Output.Should().Contain($"m0{index + 1}: done").And.Contain($"recorded in azure://{Container}");
        }

        pods[1].Environment.Remove(FaultPoints.Variable);
        var restarted = pods[1].Cli(Member(id, 1));
        restarted.ExitCode.Should().Be(0, restarted.ToString());
        restarted.Output.Should().Contain("m02: done");
        var again = pods[3].Cli(Member(id, 3));
        again.ExitCode.Should().Be(0, again.ToString());
        again.Output.Should().Contain("m04: already done in azure://").And.NotContain("building", "a member the remote has as done is not built again");

        // Merged twice: the same runs once each.
        var merged = Rows(planner, id);
        merged.Output.Should().Contain($"merged 4 member runs of sweep {id}");
        var twice = Rows(planner, id);
        twice.Output.Should().NotContain("merged");
        File.ReadLines(Path.Combine(planner.Home, "history", "runs.jsonl")).Count(l => l.Contains("\"process\":\"sweep\"", StringComparison.Ordinal)).Should().Be(8, "a start and a finish line per member");

        var alone = Machine(remote: false);
        var single = alone.Cli(Sweep);
        single.ExitCode.Should().Be(0, single.ToString());
        SweepId().Match(single.Output).Groups[1].Value.Should().Be(id, "the same sweep");

        var cluster = Parse(twice.Output);
        var local = Parse(Rows(alone, id).Output);
        output.WriteLine($"merged from four machines:\n{string.Join('\n', cluster.Select(Summary))}\non one machine:\n{string.Join('\n', local.Select(Summary))}");
        cluster.Select(Summary).Should().Equal(local.Select(Summary));
        cluster.Select(r => r.Value<string>("state")).Should().OnlyContain(s => s == "done");
        var m02 = cluster.Single(r => r.Value<string>("member") == "m02")["stages"]!;
        m02.Where(s => s.Value<string>("stage") is "Ingest" or "Preprocess").Select(s => s.Value<string>("outcome")).Should().NotContain("ran", "the restarted member had them already");

        var remote = new AzureBlobRemoteCache(azurite.Value.ConnectionString, Container);
        foreach (var row in local)
        {
            var train = Train(row);
            var pulled = temp.File("pulled-" + train);
            remote.TryPull(train, pulled).Should().BeTrue();
            output.WriteLine($"{row.Value<string>("member")} model.weights {ContentHash.OfFile(Path.Combine(pulled, "model.weights"))}");
            ContentHash.OfFile(Path.Combine(pulled, "model.weights")).Should().Be(
                ContentHash.OfFile(Path.Combine(alone.Cache, "stages", train[..2], train, "model.weights")),
                $"{row.Value<string>("member")} trains the same weights on any machine");
        }
    }

    [Fact]
    public void What_a_cluster_cannot_build_is_one_line_and_exit_code_2_before_any_work()
    {
        var machine = Machine(remote: false);
        var remote = temp.File("remote");
        machine.Environment[RemoteCacheSettings.RemoteVariable] = remote;

        Refused(machine.Cli([.. Sweep, "--plan-only", "--prune=median"]), "--plan-only: sweep sw-", "prunes by the median, which needs every member on one machine");
        Directory.Exists(remote).Should().BeFalse("nothing was uploaded");

        var planned = machine.Cli([.. Sweep, "--plan-only"]);
        planned.ExitCode.Should().Be(0, planned.ToString());
        var id = SweepId().Match(planned.Output).Groups[1].Value;
        Refused(machine.Cli(Member(id, 4)), $"--member=4: sweep {id} has 4 members, numbered 0 to 3", "completions must be 4");
        Refused(machine.Cli(["sweep", $"--plan={id}"]), "--plan: which member?", "JOB_COMPLETION_INDEX");
        Refused(machine.Cli(Member("sw-0000000000", 0)), "--plan=sw-0000000000: neither a plan file nor a sweep whose plan", "sweep --plan-only");
        Refused(machine.Cli(["sweep", $"--plan={id}", "--member=0", "--sweep=train.seed=5"]), "--plan: a planned sweep's member is built from the plan alone", "--sweep");

        // A plan whose recipe is not the one in this checkout (an image built from another commit).
        var plan = JObject.Parse(File.ReadAllText(Path.Combine(machine.Home, "sweeps", id, "plan.json")));
        plan["recipe"] = new string('0', 64);
        var other = temp.File("other-plan.json");
        File.WriteAllText(other, plan.ToString());
        Refused(machine.Cli(["sweep", $"--plan={other}", "--member=0"]), Path.Combine(machine.Root, "configs", "mnist", "ci.json") + ": content ", $"sweep {id} was planned with the recipe of content {new string('0', 64)}");

        machine.Environment.Remove(RemoteCacheSettings.RemoteVariable);
        Refused(machine.Cli(Member(id, 0)), "--plan: a member built on its own shares", "set DIGITFORGE_REMOTE");
        Directory.Exists(Path.Combine(machine.Home, "sweeps", id, "members")).Should().BeFalse("no member was built");
    }

    private static void Refused(BuildResult result, string start, string names)
    {
        result.ExitCode.Should().Be(2, result.ToString());
        var error = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().ContainSingle().Subject;
        error.Should().StartWith("error: " + start).And.Contain(names);
    }

    private static string[] Member(string id, int index) => ["sweep", $"--plan={id}", $"--member={index}"];

    private static string Train(JObject row) => row["stages"]!.Single(s => s.Value<string>("stage") == "Train").Value<string>("fingerprint")!;

    // What must agree: the members, their recipes, metrics and Train fingerprints, and which is best.
    private static string Summary(JObject row) =>
        $"{row.Value<string>("member")} {string.Join(" ", row["overrides"]!.Values<string>())} {row.Value<string>("state")} {row["metrics"]!.ToString(Newtonsoft.Json.Formatting.None)} {Train(row)} {row.Value<bool>("best")}";

    // The JSON is standard output; what the merge says goes to standard error, read into the same text.
    private static List<JObject> Parse(string output) =>
        [.. JArray.Parse(string.Join('\n', output.Split('\n').Where(l => !l.StartsWith("merged ", StringComparison.Ordinal)))).Cast<JObject>()];

    private static BuildResult Rows(RepoBuild machine, string id)
    {
        var listed = machine.Cli(["experiments", "--sweep", id, "--json"]);
        listed.ExitCode.Should().Be(0, listed.ToString());
        return listed;
    }

    private RepoBuild Machine(bool remote)
    {
        var machine = new RepoBuild();
        machines.Add(machine);
        if (remote)
        {
            machine.Environment[RemoteCacheSettings.RemoteVariable] = $"azure://{Container}";
            machine.Environment[RemoteCacheSettings.ConnectionStringVariable] = azurite.Value.ConnectionString;
        }

        return machine;
    }

    [GeneratedRegex(@"^sweep (sw-[0-9a-f]+):", RegexOptions.Multiline)]
    private static partial Regex SweepId();
}
