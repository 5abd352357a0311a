using System.Globalization;
using System.Text.RegularExpressions;
using DigitForge.Engine.History;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// Two real builds of configs/mnist/ci.json with different <c>--set</c> values up to the report, then
/// <c>./build.sh --target=Dashboard</c>, the page opened in headless Chromium: its DOM against the
/// status, runs.jsonl and registry.json it was made from.
/// </summary>
[Trait("Category", "EndToEnd")]
[Trait("Category", "Browser")]
[Collection(BuildLanes.Second)]
public sealed class DashboardTests : IClassFixture<PrerequisiteReport>, IDisposable
{
    private const string Recipe = "--config=configs/mnist/ci.json";

    // The ci recipe's Ingest to Evaluate come from the seeded stage cache; the second build trains its own.
    private readonly RepoBuild build = new(seeded: true);

    public void Dispose() => build.Dispose();

    [SkippableFact]
    public void Dashboard_in_chromium_shows_every_stages_status_every_run_and_every_version_as_recorded()
    {
        // Found on PATH or installed from Debian's packages; skips here, before the builds, when it cannot be had.
        using var chromium = new HeadlessChromium(Prerequisites.Chromium.Require());
        string[] gate = ["--set=promote.minAccuracy=0.1", "--set=promote.minClassRecall=0", "--set=promote.maxAccuracyDrop=1"];
        foreach (var overrides in new[] { gate, [.. gate, "--set=train.epochs=1"] })
        {
            var built = build.Run(["--target=Report", Recipe, .. overrides]);
            built.ExitCode.Should().Be(0, built.ToString());
        }

        var historyFile = Path.Combine(build.Home, "history", RunHistory.FileName);
        var recorded = File.ReadAllText(historyFile);
        var result = build.Run("--target=Dashboard", Recipe);
        result.ExitCode.Should().Be(0, result.ToString());
        File.ReadAllText(historyFile).Should().Be(recorded, "making the dashboard is not a run");
        var page = Path.Combine(build.Home, "reports", "dashboard.html");

        var dom = chromium.Run("--virtual-time-budget=3000", "--dump-dom", new Uri(page).AbsoluteUri);

        // The graph: every stage, with the status `digitforge status` gives for the same recipe (Train is stale: epochs 1 was built last).
        var status = build.Cli(["status", "--json", Recipe]);
        status.ExitCode.Should().Be(0, status.ToString());
        var statuses = JArray.Parse(status.Output).ToDictionary(s => s.Value<string>("stage")!, s => s.Value<bool>("upToDate") ? "up to date" : "stale");
        statuses.Should().HaveCount(6).And.ContainKey("Train").WhoseValue.Should().Be("stale");
        Attributes(dom, "<g class=\"stage\" data-stage=\"([^\"]+)\" data-status=\"([^\"]+)\"").Should().BeEquivalentTo(statuses);
        Attributes(dom, "<tr data-stage=\"([^\"]+)\" data-status=\"([^\"]+)\"").Should().BeEquivalentTo(statuses);
        Attributes(dom, "<tr data-stage=\"([^\"]+)\"[^>]*data-restored=\"([^\"]+)\"").Should().Contain("Ingest", "true", "the seeded cache gave it").And.Contain("Train", "false", "it ran for epochs 1");

        // The history: one row per run in runs.jsonl, with its accuracy, and the plot's points.
        var runs = new RunHistory(Path.GetDirectoryName(historyFile)!).Runs([]);
        runs.Should().HaveCount(2);
        var rows = Regex.Matches(dom, "<tr data-run=\"([^\"]+)\"[^>]*>.*?</tr>", RegexOptions.Singleline)
            .ToDictionary(m => m.Groups[1].Value, m => Number(Regex.Match(m.Value, "data-metric=\"accuracy\" data-value=\"([^\"]+)\"").Groups[1].Value));
        rows.Should().BeEquivalentTo(runs.ToDictionary(r => r.Id, r => r.Metrics["accuracy"]));
        var plot = Regex.Match(dom, "<figure class=\"metric-plot\" data-metric=\"accuracy\" data-runs=\"([^\"]+)\" data-values=\"([^\"]+)\">\\s*<svg");
        plot.Success.Should().BeTrue("the accuracy plot is an inline SVG");
        plot.Groups[1].Value.Split(' ').Should().Equal(runs.OrderBy(r => r.StartedAt).Select(r => r.Id));
        plot.Groups[2].Value.Split(' ').Select(Number).Should().Equal(runs.OrderBy(r => r.StartedAt).Select(r => r.Metrics["accuracy"]));

        // The registry: one row per version in registry.json, its stage, the run that made it, and a link to its report that resolves.
        var store = new ModelStore(Path.Combine(build.Home, "models"));
        var versions = new ModelRegistry(store).List();
        versions.Should().HaveCount(2);
        var shown = Regex.Matches(dom, "<tr data-version=\"(\\d+)\" data-name=\"([^\"]+)\" data-stage=\"([^\"]+)\" data-run=\"([^\"]*)\">.*?</tr>", RegexOptions.Singleline).ToList();
        shown.Select(m => $"{m.Groups[2].Value} {m.Groups[3].Value} {m.Groups[4].Value}").Should().BeEquivalentTo(
            versions.Select(v => $"{v.Name} {v.Stage.ToString().ToLowerInvariant()} {store.ReadManifest(store.Get(v.Version)).RunId}"));
        shown.Select(m => m.Groups[4].Value).Should().BeEquivalentTo(runs.Select(r => r.Id), "each build stored its version");
        foreach (var row in shown)
        {
            var link = Regex.Match(row.Value, "<a class=\"report\" href=\"([^\"]+)\">").Groups[1].Value;
            link.Should().Be(row.Groups[2].Value + ".html");
            File.Exists(Path.Combine(build.Home, "reports", link)).Should().BeTrue();
            row.Value.Should().Contain("data-decision=\"promote\"", "the gate's decision is shown")
                .And.Contain("<li data-stage=\"Train\"", "the lineage runs from the data to the model");
        }

        // A picture of the page, for people: under the repository's artifacts/ (git-ignored), like the report's.
        var screenshot = Path.Combine(build.Root, "artifacts", "dashboard-screenshot.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        chromium.Run("--window-size=1300,2600", $"--screenshot={screenshot}", new Uri(page).AbsoluteUri);
        new FileInfo(screenshot).Length.Should().BeGreaterThan(50_000, "a rendered page, not a blank one");
    }

    private static Dictionary<string, string> Attributes(string dom, string pattern) =>
        Regex.Matches(dom, pattern).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

    private static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
