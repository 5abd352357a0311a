using DigitForge.Monitoring;
using DigitForge.Monitoring.Reporting;
using DigitForge.Monitoring.Store;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Reporting.Dashboard;

namespace DigitForge.Cli.Tests;

/// <summary>The dashboard's live-performance panel: the live metric per day against the promoted figure, the promotion marked.</summary>
[Trait("Category", "Unit")]
public sealed class LivePanelTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public void The_panel_plots_and_lists_each_days_live_accuracy_with_the_promotion_marked()
    {
        var day = new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero);
        var entry = new RegistryEntry
        {
            Version = 1,
            Name = "v0001-aaaaaaa",
            ContentHash = "a",
            CreatedAt = day.AddDays(-1),
            Stage = ModelStage.Production,
            Metrics = new ModelMetrics(0.99, 0.9, 1, "test"),
            Events = [new RegistryEvent { Sequence = 1, Kind = RegistryEventKind.Promoted, At = day.AddDays(-1), Actor = new Actor("ci", "host"), Decision = GateOutcome.Promote }],
        };
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        var records = Enumerable.Range(0, 4).Select(i => new PredictionRecord($"{i}", day, "mnist", entry.Name, "fp32", "h", "7", 0.9, null, "score")).ToList();
        store.Append(records);
        store.RecordOutcomes([.. records.Select((r, i) => new Outcome("mnist", r.Id, i == 0 ? "1" : "7", null, day, "feedback"))]);
        var live = MonitorReport.Build(store, new Mnist.MnistPipeline(), new MonitorConfig { MinVolume = 1 }, [entry], _ => null, day.AddDays(1));

        var html = DashboardPage.Render(new DashboardData("mnist", day, "<svg/>", [], [], "history/runs.jsonl", null, [new DashboardVersion(entry, [], null, null, null)], [], live));

        html.Should().Contain("<h2>Live performance</h2>").And.Contain("<figure class=\"live-plot\" data-metric=\"live accuracy\" data-changes=\"1\">")
            .And.Contain("<tr data-day=\"2026-06-01\" data-version=\"v0001-aaaaaaa\" data-live=\"0.75\" data-promoted=\"0.99\">")
            .And.Contain("data-breach=\"monitor.maxAccuracyDrop\"");
        DashboardPage.Render(new DashboardData("mnist", day, "<svg/>", [], [], "history/runs.jsonl", null, [], [])).Should().NotContain("Live performance");
    }

    public void Dispose() => temp.Dispose();
}
