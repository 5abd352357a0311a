using System.Text.RegularExpressions;
using DigitForge.Cli.Commands;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Records;
using DigitForge.Engine.Storage;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace DigitForge.Cli.Tests;

/// <summary>
/// <c>digitforge dashboard</c> over a real history file and model registry made in a temp artifacts
/// folder (the recipe is this repository's, nothing is built): what the page shows and that it escapes what users typed.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DashboardTests : IDisposable
{
    private const string Hostile = "<script>alert('x')</script>";
    private readonly TempDirectory temp = new();

    private string Home => Path.Combine(temp.Path, "mnist");

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("mnist")]
    [InlineData("hn")]
    public void An_empty_history_and_registry_say_so_and_every_stage_is_in_the_graph(string pipeline)
    {
        var (file, html) = Dashboard(pipeline);

        file.Should().Be(Path.Combine(temp.Path, pipeline, "reports", DashboardCommand.FileName));
        html.Should().Contain("id=\"no-runs\">No runs yet").And.Contain("id=\"no-versions\">No model versions registered yet");
        html.Should().NotContain("class=\"metric-plot\"");
        var definition = PipelineCatalog.Find(pipeline);
        var paths = PipelinePaths.Resolve(RepositoryRoot(), temp.Path, pipeline);
        var stages = definition.Create(Path.Combine(paths.Root, definition.DefaultConfig), [], paths, new BuildOptions()).Stages;
        stages.Should().NotBeEmpty();
        foreach (var stage in stages.Select(s => s.Name))
        {
            html.Should().Contain($"<g class=\"stage\" data-stage=\"{stage}\" data-status=\"stale\">", "nothing is built in the temp folder");
            html.Should().MatchRegex($"<tr data-stage=\"{stage}\" data-status=\"stale\"[^>]*data-restored=\"false\">");
        }
    }

    [Fact]
    public void Runs_and_versions_are_rows_with_their_records_values_and_user_strings_are_escaped()
    {
        var history = new RunHistory(Path.Combine(Home, "history"));
        Record(history, "20260101-000000-aaaaaa", "alice", [], 0.91);
        Record(history, "20260102-000000-bbbbbb", Hostile, ["train.epochs=" + Hostile], 0.95);
        Record(history, "20260103-000000-cccccc", "bob", [], null);
        var (first, second) = Register();
        File.WriteAllText(Path.Combine(Home, "reports", first + ".html"), "<html></html>");

        var (_, html) = Dashboard();

        html.Should().NotContain("<script").And.Contain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        Regex.Matches(html, "<tr data-run=\"([^\"]+)\"").Select(m => m.Groups[1].Value)
            .Should().Equal(["20260103-000000-cccccc", "20260102-000000-bbbbbb", "20260101-000000-aaaaaa"], "newest first");
        html.Should().Contain("<td class=\"num\" data-metric=\"accuracy\" data-value=\"0.95\">0.9500</td>");
        html.Should().Contain("<figure class=\"metric-plot\" data-metric=\"accuracy\" data-runs=\"20260101-000000-aaaaaa 20260102-000000-bbbbbb\" data-values=\"0.91 0.95\">");
        html.Should().MatchRegex("<figure class=\"metric-plot\"[^>]*>\\s*<svg");

        html.Should().MatchRegex($"<tr data-version=\"2\" data-name=\"{second}\" data-stage=\"rejected\" data-run=\"[^\"]*\">");
        html.Should().MatchRegex($"<tr data-version=\"1\" data-name=\"{first}\" data-stage=\"production\" data-run=\"20260101-000000-aaaaaa\">");
        html.Should().Contain("data-decision=\"promote\"").And.Contain("gate: promote; accuracy 0.9100 &gt;= 0.9");
        html.Should().Contain("rejected by").And.Contain("accuracy dropped by 0.03 &gt; 0.002");
        html.Should().Contain($"<a class=\"report\" href=\"{first}.html\">report</a>");
        Regex.Matches(html, "<a class=\"report\"").Should().HaveCount(1, "only v1 has a report");
        html.Should().Contain("<li data-stage=\"Ingest\" data-fingerprint=\"" + new string('1', 64) + "\">");
        html.Should().Contain("reads images.gz 6cef73d");
        html.Should().Contain($"{ModelManifest.FileName} records no stages", "v2 was stored without lineage");
    }

    [Fact]
    public void No_op_builds_are_one_row_with_their_count_and_last_start_and_one_point_on_the_plot()
    {
        var history = new RunHistory(Path.Combine(Home, "history"));
        var skipped = new StageEvent("Train", new string('2', 64), StageOutcome.Skipped, "up to date", 0);
        Record(history, "20260101-000000-aaaaaa", "alice", [], 0.99);
        Record(history, "20260102-000000-bbbbbb", "alice", [], 0.99, skipped);
        Record(history, "20260103-140200-cccccc", "alice", [], 0.99, skipped);

        var (_, html) = Dashboard();

        Regex.Matches(html, "<tr data-run=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Should().Equal("20260101-000000-aaaaaa");
        html.Should().Contain("data-repeats=\"20260102-000000-bbbbbb 20260103-140200-cccccc\"")
            .And.Contain("<span class=\"small noops\" data-count=\"2\">+ 2 no-op builds, last 2026-01-03 14:02</span>");
        html.Should().Contain("<figure class=\"metric-plot\" data-metric=\"accuracy\" data-runs=\"20260101-000000-aaaaaa\" data-values=\"0.99\">");
        var ticks = Regex.Matches(html, "<text[^>]*>\\s*([0-9.]+)\\s*</text>").Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        ticks.Should().NotBeEmpty().And.OnlyContain(t => t > 0.85 && t <= 1.0, "the accuracy axis fits 0.99 within [0, 1]");
    }

    [Fact]
    public void A_stage_shows_its_last_runs_time_and_the_run_that_restored_it_from_the_cache_though_later_runs_skipped_it()
    {
        var fingerprint = new string('7', 64);
        var started = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        JsonFile.Write(Path.Combine(Home, "stages", "Preprocess", StageStore.RecordFileName), new StageRecord { Stage = "Preprocess", Fingerprint = fingerprint, StartedAt = started, Seconds = 3.25 });
        var history = new RunHistory(Path.Combine(Home, "history"));
        Record(history, "20260101-000000-aaaaaa", "alice", [], 0.9, new StageEvent("Preprocess", fingerprint, StageOutcome.Ran, "never run", 3.25));
        Record(history, "20260102-000000-bbbbbb", "alice", [], 0.9, new StageEvent("Preprocess", fingerprint, StageOutcome.Restored, "restored from cache", 0));
        Record(history, "20260103-000000-cccccc", "alice", [], 0.9, new StageEvent("Preprocess", new string('8', 64), StageOutcome.Ran, "forced", 1));
        Record(history, "20260104-000000-dddddd", "alice", [], 0.9, new StageEvent("Preprocess", fingerprint, StageOutcome.Skipped, "up to date", 0));

        var (_, html) = Dashboard();

        html.Should().MatchRegex($"<tr data-stage=\"Preprocess\" data-status=\"stale\" data-fingerprint=\"{fingerprint}\" data-seconds=\"3.25\" data-restored=\"true\">");
        html.Should().Contain("2026-01-02 03:04:05").And.Contain("restored (run <code>20260102-000000-bbbbbb</code>)");
        html.Should().MatchRegex("<tr data-stage=\"Train\"[^>]*data-seconds=\"\" data-restored=\"false\">").And.Contain("never built");
    }

    [Fact]
    public void A_version_whose_manifest_is_gone_is_shown_with_the_problem_and_the_page_is_still_written()
    {
        var (first, _) = Register();
        File.Delete(Path.Combine(Home, "models", first, ModelManifest.FileName));

        var (_, html) = Dashboard();

        html.Should().Contain($"<tr data-version=\"1\" data-name=\"{first}\"").And.Contain("lineage unreadable:").And.Contain("<h2>Warnings</h2>");
    }

    [Fact]
    public void A_sweep_is_a_plot_of_the_metric_against_each_swept_knob_and_its_members_curves_overlaid()
    {
        var plan = new Engine.Sweeps.SweepPlan
        {
            Id = "sw-0123456789",
            Pipeline = "mnist",
            Config = "configs/mnist/ci.json",
            Target = "Evaluate",
            Jobs = 2,
            Prune = Engine.Sweeps.PruneRule.Median,
            Keys = ["train.learningRate", "train.seed"],
            Members = [.. new[] { ("m01", "0.001", "1"), ("m02", "0.1", "1"), ("m03", "0.01", "2") }.Select(m =>
                new Engine.Sweeps.SweepMember(m.Item1, new Dictionary<string, string> { ["train.learningRate"] = m.Item2, ["train.seed"] = m.Item3 }, [$"train.learningRate={m.Item2}", $"train.seed={m.Item3}"]))],
        };
        plan.Write(Path.Combine(Home, "sweeps", plan.Id, Engine.Sweeps.SweepPlan.FileName));
        var history = new RunHistory(Path.Combine(Home, "history"));
        var config = JObject.FromObject(new { train = new { epochs = 2 } });
        foreach (var (member, accuracy, state, curve) in new[] { ("m01", (double?)0.9, "done", new[] { 0.5, 0.8 }), ("m02", 0.95, "done", [0.6, 0.9]), ("m03", null, "pruned at epoch 1", [0.1]) })
        {
            history.Append(
                new RunLine
                {
                    Run = $"{plan.Id}.{member}.abcdef",
                    At = DateTimeOffset.UtcNow,
                    Process = "sweep",
                    Finish = accuracy is not null,
                    User = "u",
                    Host = "h",
                    Pipeline = "mnist",
                    Config = plan.Config,
                    ConfigHash = CanonicalJson.Hash(config),
                    Metrics = accuracy is { } a ? new Dictionary<string, double> { ["accuracy"] = a } : null,
                    Sweep = plan.Id,
                    Member = member,
                    State = state,
                    Curve = curve,
                },
                config);
        }

        var (_, html) = Dashboard();

        html.Should().Contain("<h3 data-sweep=\"sw-0123456789\"><code>sw-0123456789</code>: 3 members, 2 done, 1 pruned</h3>");
        html.Should().Contain("<figure class=\"sweep-knob\" data-sweep=\"sw-0123456789\" data-key=\"train.learningRate\">")
            .And.Contain("<figure class=\"sweep-knob\" data-sweep=\"sw-0123456789\" data-key=\"train.seed\">")
            .And.Contain("<figure class=\"sweep-curves\" data-sweep=\"sw-0123456789\" data-members=\"m01 m02 m03\">")
            .And.Contain("m02 (best)").And.Contain("m03 (pruned)").And.Contain("log10 train.learningRate");
    }

    private (string File, string Html) Dashboard(string pipeline = "mnist")
    {
        var result = CommandLine.Build().Parse(["dashboard", "--pipeline", pipeline, "--root", RepositoryRoot(), "--artifacts", temp.Path]);
        result.Errors.Should().BeEmpty();
        var (file, _) = DashboardCommand.Write(result, output: null);
        return (file, File.ReadAllText(file));
    }

    // v1 with lineage, promoted by the gate; v2 without, rejected.
    private (string First, string Second) Register()
    {
        var store = new ModelStore(Path.Combine(Home, "models"));
        var registry = new ModelRegistry(store);
        var lineage = new Dictionary<string, StageLineage>
        {
            ["Ingest"] = new(new string('1', 64), new Dictionary<string, string> { ["DigitForge.Data"] = new string('a', 64) }, new string('c', 64),
                new Dictionary<string, string> { ["images.gz"] = "6cef73d8a58729646c0f2548fd3271beeb178ef9fa26a3889746ebe130cf1789" },
                new Dictionary<string, string>(), new Dictionary<string, string>(), DateTimeOffset.UtcNow, 1.5),
            ["Train"] = new(new string('2', 64), new Dictionary<string, string>(), new string('d', 64), new Dictionary<string, string>(),
                new Dictionary<string, string> { ["Ingest/images.bin"] = new string('e', 64) }, new Dictionary<string, string>(), DateTimeOffset.UtcNow, 42),
        };
        var details = new JObject { ["stages"] = JObject.FromObject(lineage, JsonSerializer.Create(JsonFile.Settings)) };
        var v1 = store.Add(new string('f', 64), dir => File.WriteAllText(Path.Combine(dir, "model.onnx"), "one"), details).Version;
        SetRunId(v1, "20260101-000000-aaaaaa");
        var v2 = store.Add(new string('9', 64), dir => File.WriteAllText(Path.Combine(dir, "model.onnx"), "two"), []).Version;
        registry.Register(v1, new ModelMetrics(0.91, 0.8, 3, "test-set"));
        registry.Promote(1, new GateDecision([new GateCheck("minAccuracy", true, "accuracy 0.9100 >= 0.9")]));
        registry.Register(v2, new ModelMetrics(0.88, 0.7, 5, "test-set"));
        registry.Reject(2, ["accuracy dropped by 0.03 > 0.002"]);
        Directory.CreateDirectory(Path.Combine(Home, "reports"));
        return (v1.Name, v2.Name);
    }

    // The store writes the manifest; a build's Promote adds the run id the same way, through the manifest file.
    private static void SetRunId(ModelVersion version, string runId)
    {
        var manifest = JsonFile.Read<ModelManifest>(version.ManifestPath);
        manifest.RunId = runId;
        JsonFile.Write(version.ManifestPath, manifest);
    }

    private static void Record(RunHistory history, string id, string user, IReadOnlyList<string> overrides, double? accuracy, StageEvent? stage = null)
    {
        var config = JObject.FromObject(new { train = new { epochs = 2 } });
        history.Append(
            new RunLine
            {
                Run = id,
                At = DateTimeOffset.ParseExact(id[..15], "yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal),
                Process = "run",
                Start = true,
                Finish = true,
                User = user,
                Host = "build-01",
                Pipeline = "mnist",
                Target = "Evaluate",
                Config = "configs/mnist/ci.json",
                Overrides = overrides,
                ConfigHash = CanonicalJson.Hash(config),
                Stages = [stage ?? new StageEvent("Train", new string('2', 64), StageOutcome.Ran, "forced", 12.5)],
                Metrics = accuracy is { } a ? new Dictionary<string, double> { ["accuracy"] = a } : null,
            },
            config);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "DigitForge.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("DigitForge.sln not found above the test's folder");
        }

        return directory.FullName;
    }
}
