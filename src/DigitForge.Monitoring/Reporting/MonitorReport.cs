using System.Globalization;
using DigitForge.Inference.Drift;
using DigitForge.Monitoring.Store;
using DigitForge.Registry;

namespace DigitForge.Monitoring.Reporting;

/// <summary>One day of one model version's predictions: how many, how right where outcomes exist, how far from its reference.</summary>
/// <param name="Outcomes">Predictions of the day whose outcome is known; the live figures are measured on them.</param>
/// <param name="Psi">Population stability index of the day's predictions against the version's reference (see <see cref="MonitorReport"/>).</param>
/// <param name="Promoted">The test-split figure the version was promoted with: accuracy, or MAE for a regression.</param>
public sealed record DayFigures(DateOnly Day, string Version, int Volume, int Outcomes, double? LiveAccuracy, double? LiveMae, double? LiveSpearman, double? Psi, double? Promoted);

/// <summary>A threshold of the recipe's <c>monitor</c> section that was crossed: by how much, on which day and version.</summary>
public sealed record Breach(string Threshold, double Limit, double Value, DateOnly Day, string? Version, string Message);

/// <summary>The version serving at the report's time, since when and how it became production (Promoted, RolledBack).</summary>
public sealed record Serving(string Version, DateTimeOffset Since, string How);

/// <summary>
/// A pipeline's live performance (<c>digitforge monitor</c>): per day (UTC) and model version, the volume,
/// the live metric where outcomes exist (accuracy; MAE and Spearman for a regression), the drift PSI and
/// the figure the version was promoted with; which version was serving; and the thresholds breached.
/// PSI compares a day with the version's reference: its test-set profile (<c>reference.json</c>: the
/// larger of the label and confidence indices) where it has one, else its first logged day (for a
/// regression, predicted values in fixed bins). Volume and PSI are judged on the last complete day
/// before <see cref="At"/>; the live metric on the latest day up to it with at least minVolume outcomes.
/// </summary>
public sealed record MonitorReport(
    string Pipeline,
    string Store,
    PredictionKind Predicts,
    DateTimeOffset At,
    DateOnly JudgedDay,
    Serving? ServingAt,
    IReadOnlyList<DayFigures> Days,
    MonitorConfig Thresholds,
    IReadOnlyList<Breach> Breaches)
{
    /// <summary>Bin edges of predicted values for a regression's PSI (comment counts and the like, heavy-tailed).</summary>
    private static readonly double[] ValueEdges = [1, 2, 5, 10, 20, 50, 100, 200, 500];

    public static MonitorReport Build(IMonitorStore store, IMonitoredPipeline pipeline, MonitorConfig config, IReadOnlyList<RegistryEntry> entries, Func<string, PredictionProfile?> reference, DateTimeOffset at)
    {
        var outcomes = store.Outcomes(pipeline.Name);
        var classes = pipeline.Classes.Select((label, index) => (label, index)).ToDictionary(c => c.label, c => c.index, StringComparer.Ordinal);
        var cells = new SortedDictionary<(DateOnly Day, string Version), Cell>();
        foreach (var record in store.Predictions(pipeline.Name, at))
        {
            var key = (DateOnly.FromDateTime(record.At.UtcDateTime), record.ModelVersion);
            if (!cells.TryGetValue(key, out var cell))
            {
                cells[key] = cell = new Cell(classes.Count);
            }

            cell.Add(record, classes, outcomes.GetValueOrDefault(record.Id));
        }

        var byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var firstDays = new Dictionary<string, Cell>(StringComparer.Ordinal);
        var days = new List<DayFigures>();
        foreach (var ((day, version), cell) in cells)
        {
            var baseline = firstDays.TryAdd(version, cell) ? cell : firstDays[version];
            var promoted = byName.TryGetValue(version, out var entry) ? pipeline.PromotedFigure(entry.Metrics) : null;
            days.Add(cell.Figures(day, version, pipeline.Predicts, reference(version), baseline, promoted));
        }

        var judged = DateOnly.FromDateTime(at.UtcDateTime).AddDays(-1);
        var serving = new ServingHistory(entries).At(at) is { } now ? new Serving(now.Version.Name, now.Since, now.How.ToString()) : null;
        return new MonitorReport(pipeline.Name, store.Location, pipeline.Predicts, at, judged, serving, days, config, Judge(days, judged, config, pipeline.Predicts, serving?.Version));
    }

    /// <param name="serving">The version in production at the report's time; null when the registry names none.</param>
    private static List<Breach> Judge(List<DayFigures> days, DateOnly judged, MonitorConfig config, PredictionKind predicts, string? serving)
    {
        var breaches = new List<Breach>();
        // Volume is judged once predictions were logged by the judged day: scoring that has not started has not stopped.
        var volume = days.Where(d => d.Day == judged).Sum(d => d.Volume);
        if (days.Any(d => d.Day <= judged) && volume < config.MinVolume)
        {
            breaches.Add(new("monitor.minVolume", config.MinVolume, volume, judged, null,
                Invariant($"monitor.minVolume breached: {volume} predictions on {judged:yyyy-MM-dd}, {config.MinVolume - volume} below the minimum of {config.MinVolume}")));
        }

        foreach (var day in days.Where(d => d.Day == judged && d.Volume >= config.MinVolume && d.Psi > config.MaxPsi))
        {
            breaches.Add(new("monitor.maxPsi", config.MaxPsi, day.Psi!.Value, day.Day, day.Version,
                Invariant($"monitor.maxPsi breached: {day.Version} drift PSI {day.Psi:0.000} on {day.Day:yyyy-MM-dd} is {day.Psi - config.MaxPsi:0.000} over the limit of {config.MaxPsi:0.###}")));
        }

        // Outcomes arrive late (a story's comments settle over days): the newest day with enough of them, of the
        // version serving now; a version since replaced or rolled back has nothing left to retrain.
        foreach (var day in days.Where(d => d.Day <= judged && d.Outcomes >= config.MinVolume && d.Promoted is not null && (serving is null || d.Version == serving))
                     .GroupBy(d => d.Version).Select(g => g.MaxBy(d => d.Day)!))
        {
            if (predicts == PredictionKind.Classification && day.Promoted - day.LiveAccuracy is { } drop && drop > config.MaxAccuracyDrop)
            {
                breaches.Add(new("monitor.maxAccuracyDrop", config.MaxAccuracyDrop, drop, day.Day, day.Version,
                    Invariant($"monitor.maxAccuracyDrop breached: {day.Version} live accuracy {day.LiveAccuracy:P2} on {day.Day:yyyy-MM-dd} is {drop * 100:0.00} points below its promoted {day.Promoted:P2} (allowed {config.MaxAccuracyDrop * 100:0.00})")));
            }

            if (predicts == PredictionKind.Regression && day.LiveMae / day.Promoted - 1 is { } increase && increase > config.MaxMaeIncrease)
            {
                breaches.Add(new("monitor.maxMaeIncrease", config.MaxMaeIncrease, increase, day.Day, day.Version,
                    Invariant($"monitor.maxMaeIncrease breached: {day.Version} live MAE {day.LiveMae:0.00} on {day.Day:yyyy-MM-dd} is {increase:P1} above its promoted {day.Promoted:0.00} (allowed {config.MaxMaeIncrease:P1})")));
            }
        }

        return breaches;
    }

    /// <summary>The report as a table, the version serving at <see cref="At"/>, and the verdict.</summary>
    public IEnumerable<string> Lines()
    {
        yield return Invariant($"{Pipeline}: predictions in {Store} before {At:yyyy-MM-ddTHH:mm:ssZ}");
        var regression = Predicts == PredictionKind.Regression;
        yield return regression
            ? "day         version           volume  outcomes  live MAE  promoted MAE  Spearman     PSI"
            : "day         version           volume  outcomes  live acc  promoted acc       PSI";
        foreach (var d in Days)
        {
            yield return regression
                ? Invariant($"{d.Day:yyyy-MM-dd}  {d.Version,-16} {d.Volume,7} {d.Outcomes,9} {Number(d.LiveMae, "0.00"),9} {Number(d.Promoted, "0.00"),13} {Number(d.LiveSpearman, "0.000"),9} {Number(d.Psi, "0.000"),7}")
                : Invariant($"{d.Day:yyyy-MM-dd}  {d.Version,-16} {d.Volume,7} {d.Outcomes,9} {Number(d.LiveAccuracy, "P2"),9} {Number(d.Promoted, "P2"),13} {Number(d.Psi, "0.000"),9}");
        }

        yield return ServingAt is { } s
            ? Invariant($"serving at {At:yyyy-MM-ddTHH:mm:ssZ}: {s.Version} ({s.How} {s.Since:yyyy-MM-ddTHH:mm:ssZ})")
            : Invariant($"serving at {At:yyyy-MM-ddTHH:mm:ssZ}: no production version");
        if (Days.Count == 0)
        {
            yield return "no predictions logged";
        }

        yield return Breaches.Count == 0
            ? Invariant($"{JudgedDay:yyyy-MM-dd}: within every threshold")
            : Invariant($"{JudgedDay:yyyy-MM-dd}: {Breaches.Count} threshold(s) breached");
    }

    private static string Number(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One (day, version) of predictions, accumulated in one pass.</summary>
    private sealed class Cell(int classes)
    {
        private readonly PredictionProfileBuilder? profile = classes > 0 ? new PredictionProfileBuilder(classes) : null;
        private readonly long[] valueBins = new long[ValueEdges.Length + 1];
        private readonly List<double> predicted = [];
        private readonly List<double> actual = [];
        private int volume;
        private int outcomes;
        private int correct;

        public void Add(PredictionRecord record, IReadOnlyDictionary<string, int> classIndex, Outcome? outcome)
        {
            volume++;
            if (record.Prediction is { } label && classIndex.TryGetValue(label, out var index))
            {
                profile!.Add(index, record.Confidence ?? 0);
            }

            if (record.Value is { } value)
            {
                valueBins[Array.FindIndex(ValueEdges, edge => value < edge) is var bin and >= 0 ? bin : ValueEdges.Length]++;
            }

            if (outcome is null)
            {
                return;
            }

            if (outcome.Label is { } truth && record.Prediction is not null)
            {
                outcomes++;
                correct += truth == record.Prediction ? 1 : 0;
            }
            else if (outcome.Value is { } real && record.Value is { } guess)
            {
                outcomes++;
                predicted.Add(guess);
                actual.Add(real);
            }
        }

        public DayFigures Figures(DateOnly day, string version, PredictionKind predicts, PredictionProfile? reference, Cell baseline, double? promoted)
        {
            var classification = predicts == PredictionKind.Classification;
            return new DayFigures(
                day,
                version,
                volume,
                outcomes,
                classification && outcomes > 0 ? (double)correct / outcomes : null,
                !classification && outcomes > 0 ? predicted.Zip(actual, (p, a) => Math.Abs(p - a)).Average() : null,
                classification ? null : Engine.Statistics.RankCorrelation.Spearman(predicted, actual),
                Psi(classification, reference, baseline),
                promoted);
        }

        private double? Psi(bool classification, PredictionProfile? reference, Cell baseline)
        {
            if (volume == 0)
            {
                return null;
            }

            if (classification)
            {
                var observed = profile!.Build();
                var expected = reference ?? baseline.profile!.Build();
                return observed.Count == 0 || expected.Count == 0 ? null
                    : Math.Max(DriftCheck.Psi(expected.LabelShares, observed.LabelShares), DriftCheck.Psi(expected.ConfidenceShares, observed.ConfidenceShares));
            }

            return DriftCheck.Psi(Shares(baseline.valueBins), Shares(valueBins));
        }

        private static double[] Shares(long[] counts)
        {
            var total = counts.Sum();
            return [.. counts.Select(c => total == 0 ? 0 : (double)c / total)];
        }
    }
}
