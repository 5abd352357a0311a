using System.Globalization;
using DigitForge.Monitoring.Reporting;
using DigitForge.Monitoring.Store;
using DigitForge.Registry;
using DigitForge.Registry.Gate;

namespace DigitForge.Monitoring.Tests;

[Trait("Category", "Unit")]
public sealed class MonitorReportTests : IDisposable
{
    private static readonly DateTimeOffset Day1 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    private readonly TempDirectory temp = new();

    [Fact]
    public void Live_accuracy_per_day_and_version_against_the_promoted_figure_breaches_on_the_day_it_drops()
    {
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        // v1 serves days 1-2 and is right 98 of 100 times; v2 from day 3: 99 of 100, then 80 of 100 on day 4.
        Log(store, Day1.AddHours(10), "v0001-aaaaaaa", 100, wrong: 2);
        Log(store, Day1.AddDays(1).AddHours(10), "v0001-aaaaaaa", 100, wrong: 2);
        Log(store, Day1.AddDays(2).AddHours(10), "v0002-bbbbbbb", 100, wrong: 1);
        Log(store, Day1.AddDays(3).AddHours(10), "v0002-bbbbbbb", 100, wrong: 20);
        var entries = Registry(("v0001-aaaaaaa", 0.98, Day1), ("v0002-bbbbbbb", 0.99, Day1.AddDays(2)));
        var config = new MonitorConfig { MinVolume = 50, MaxAccuracyDrop = 0.02, MaxPsi = 10 };

        var beforeDrop = MonitorReport.Build(store, new Pipeline(), config, entries, _ => null, Day1.AddDays(3).AddHours(1));
        var afterDrop = MonitorReport.Build(store, new Pipeline(), config, entries, _ => null, Day1.AddDays(4).AddHours(1));

        beforeDrop.Breaches.Should().BeEmpty();
        beforeDrop.ServingAt!.Version.Should().Be("v0002-bbbbbbb");
        MonitorReport.Build(store, new Pipeline(), config, entries, _ => null, Day1.AddDays(1)).ServingAt!.Version.Should().Be("v0001-aaaaaaa");
        afterDrop.Days.Select(d => (d.Day.Day, d.Version, d.Volume, d.LiveAccuracy, d.Promoted)).Should().Equal(
            (1, "v0001-aaaaaaa", 100, 0.98, 0.98), (2, "v0001-aaaaaaa", 100, 0.98, 0.98), (3, "v0002-bbbbbbb", 100, 0.99, 0.99), (4, "v0002-bbbbbbb", 100, 0.80, 0.99));
        afterDrop.Breaches.Should().ContainSingle().Which.Message.Should().Be(
            "monitor.maxAccuracyDrop breached: v0002-bbbbbbb live accuracy 80.00 % on 2026-06-04 is 19.00 points below its promoted 99.00 % (allowed 2.00)");
        afterDrop.Lines().Should().Contain("2026-06-04  v0002-bbbbbbb        100       100   80.00 %       99.00 %     0.000");
    }

    [Fact]
    public void A_replaced_version_s_drop_is_shown_but_no_longer_breaches()
    {
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        // v1 drops on day 2 and is replaced on day 3 by v2, which holds its promoted figure on day 3.
        Log(store, Day1.AddHours(10), "v0001-aaaaaaa", 100, wrong: 2);
        Log(store, Day1.AddDays(1).AddHours(10), "v0001-aaaaaaa", 100, wrong: 30);
        Log(store, Day1.AddDays(2).AddHours(10), "v0002-bbbbbbb", 100, wrong: 1);
        var config = new MonitorConfig { MinVolume = 50, MaxAccuracyDrop = 0.05, MaxPsi = 10 };

        var whileServing = MonitorReport.Build(store, new Pipeline(), config, Registry(("v0001-aaaaaaa", 0.98, Day1)), _ => null, Day1.AddDays(2).AddHours(1));
        var afterRetrain = MonitorReport.Build(store, new Pipeline(), config, Registry(("v0001-aaaaaaa", 0.98, Day1), ("v0002-bbbbbbb", 0.99, Day1.AddDays(2))), _ => null, Day1.AddDays(3).AddHours(1));

        whileServing.Breaches.Should().ContainSingle().Which.Version.Should().Be("v0001-aaaaaaa");
        afterRetrain.Days.Select(d => (d.Version, d.LiveAccuracy)).Should().Contain(("v0001-aaaaaaa", 0.70));
        afterRetrain.Breaches.Should().BeEmpty("v0001 no longer serves, and v0002 is within its allowance");
    }

    [Fact]
    public void A_day_whose_predictions_shift_breaches_PSI_and_a_quiet_day_breaches_the_volume()
    {
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        Log(store, Day1.AddHours(1), "v0001-aaaaaaa", 200, wrong: 0);
        store.Append([.. Enumerable.Range(0, 200).Select(i => Record(Day1.AddDays(1).AddHours(1), "v0001-aaaaaaa", $"s{i}", "7", 0.55))]);
        Log(store, Day1.AddDays(2).AddHours(1), "v0001-aaaaaaa", 3, wrong: 0);
        var entries = Registry(("v0001-aaaaaaa", 0.98, Day1));
        var config = new MonitorConfig { MinVolume = 50, MaxPsi = 0.25 };

        var shifted = MonitorReport.Build(store, new Pipeline(), config, entries, _ => null, Day1.AddDays(2));
        var quiet = MonitorReport.Build(store, new Pipeline(), config, entries, _ => null, Day1.AddDays(3));

        MonitorReport.Build(store, new Pipeline(), config, entries, _ => null, Day1.AddHours(20)).Breaches.Should().BeEmpty("nothing was logged by the day before: scoring has not started, not stopped");
        shifted.Breaches.Should().ContainSingle().Which.Threshold.Should().Be("monitor.maxPsi");
        shifted.Breaches[0].Value.Should().BeGreaterThan(1);
        quiet.Breaches.Should().ContainSingle().Which.Message.Should().Be("monitor.minVolume breached: 3 predictions on 2026-06-03, 47 below the minimum of 50");
    }

    [Fact]
    public void A_regression_gets_live_MAE_and_Spearman_and_breaches_when_MAE_grows_past_the_allowance()
    {
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        var at = Day1.AddHours(5);
        store.Append([.. Enumerable.Range(0, 60).Select(i => new PredictionRecord($"{i}", at, "hn", "v0001-aaaaaaa", null, "h", null, null, i, "score"))]);
        store.RecordOutcomes([.. Enumerable.Range(0, 60).Select(i => new Outcome("hn", $"{i}", null, 2.0 * i, at, "api"))]);
        var entries = Registry(("v0001-aaaaaaa", 10, Day1));

        var report = MonitorReport.Build(store, new Pipeline(PredictionKind.Regression), new MonitorConfig { MinVolume = 50, MaxMaeIncrease = 0.25 }, entries, _ => null, Day1.AddDays(1));

        var day = report.Days.Should().ContainSingle().Subject;
        (day.LiveMae, day.LiveSpearman, day.Promoted, day.Psi).Should().Be((29.5, 1.0, 10.0, 0.0));
        report.Breaches.Should().ContainSingle().Which.Message.Should().Be(
            "monitor.maxMaeIncrease breached: v0001-aaaaaaa live MAE 29.50 on 2026-06-01 is 195.0 % above its promoted 10.00 (allowed 25.0 %)");
    }

    public void Dispose() => temp.Dispose();

    private static void Log(IMonitorStore store, DateTimeOffset at, string version, int count, int wrong)
    {
        var records = Enumerable.Range(0, count).Select(i => Record(at, version, $"{version}/{at:yyyyMMdd}/{i}", Digits[i % 10], 0.99)).ToList();
        store.Append(records);
        store.RecordOutcomes([.. records.Select((r, i) => new Outcome(r.Pipeline, r.Id, i < wrong ? Digits[(i + 1) % 10] : r.Prediction, null, at, "feedback"))]);
    }

    private static PredictionRecord Record(DateTimeOffset at, string version, string id, string label, double confidence) =>
        new(id, at, "mnist", version, "fp32", "h", label, confidence, null, "score");

    /// <summary>A registry whose versions were promoted, one after the other, at the given times with the given test figure.</summary>
    private List<RegistryEntry> Registry(params (string Name, double Figure, DateTimeOffset Promoted)[] versions)
    {
        var sequence = 0L;
        var entries = new List<RegistryEntry>();
        foreach (var (name, figure, promoted) in versions)
        {
            var number = int.Parse(name[1..5], CultureInfo.InvariantCulture);
            entries.Add(new RegistryEntry
            {
                Version = number,
                Name = name,
                ContentHash = name,
                CreatedAt = promoted,
                Stage = ModelStage.Production,
                Metrics = new ModelMetrics(figure, null, null, "test", new Dictionary<string, double> { ["mae"] = figure }),
                Events = [new RegistryEvent { Sequence = ++sequence, Kind = RegistryEventKind.Promoted, At = promoted, Actor = new Actor("ci", "host"), Decision = GateOutcome.Promote }],
            });
        }

        return entries;
    }

    private sealed class Pipeline(PredictionKind predicts = PredictionKind.Classification) : IMonitoredPipeline
    {
        public string Name => predicts == PredictionKind.Classification ? "mnist" : "hn";

        public PredictionKind Predicts => predicts;

        public IReadOnlyList<string> Classes => predicts == PredictionKind.Classification ? Digits : [];

        public MonitorConfig Monitor(object config) => (MonitorConfig)config;

        public double? PromotedFigure(ModelMetrics metrics) => predicts == PredictionKind.Classification ? metrics.Accuracy : metrics.Figures!["mae"];
    }
}
