using System.Globalization;
using System.Text;

namespace DigitForge.Evaluation.Metrics;

/// <summary>One figure of two reports side by side. <see cref="HigherIsBetter"/> says which way is an improvement.</summary>
public sealed record MetricChange(string Metric, double Before, double After, bool HigherIsBetter)
{
    public double Change => After - Before;

    public bool Improved => HigherIsBetter ? Change > 0 : Change < 0;
}

/// <summary>
/// Two evaluation reports compared figure by figure, like <c>dvc metrics diff</c>: every headline
/// metric and every class's precision, recall and F1 with both values and the change, and which
/// digits got better or worse (by recall, beyond <see cref="ClassTolerance"/>).
/// </summary>
public sealed record ReportComparison(string BeforeName, string AfterName, IReadOnlyList<MetricChange> Metrics, IReadOnlyList<MetricChange> ClassRecalls, bool SameTestSet)
{
    /// <summary>Recall changes smaller than this are noise, not "better" or "worse".</summary>
    public const double ClassTolerance = 1e-9;

    public IEnumerable<MetricChange> BetterClasses => ClassRecalls.Where(c => c.Change > ClassTolerance);

    public IEnumerable<MetricChange> WorseClasses => ClassRecalls.Where(c => c.Change < -ClassTolerance);

    public static ReportComparison Compare(string beforeName, ClassificationReport before, string afterName, ClassificationReport after, bool sameTestSet)
    {
        if (before.Classes != after.Classes)
        {
            throw new ArgumentException($"{beforeName} has {before.Classes} classes, {afterName} {after.Classes}: not comparable");
        }

        List<MetricChange> metrics =
        [
            new("accuracy", before.Accuracy, after.Accuracy, true),
            new("loss", before.Loss, after.Loss, false),
            new("expected calibration error", before.ExpectedCalibrationError, after.ExpectedCalibrationError, false),
            new("lowest class recall", before.LowestRecall, after.LowestRecall, true),
            new("macro precision", before.MacroAverage.Precision, after.MacroAverage.Precision, true),
            new("macro recall", before.MacroAverage.Recall, after.MacroAverage.Recall, true),
            new("macro F1", before.MacroAverage.F1, after.MacroAverage.F1, true),
            new("weighted F1", before.WeightedAverage.F1, after.WeightedAverage.F1, true),
        ];
        // Shifted figures compare only when both were measured the same way (same seed, so the same shifted images).
        if (before.Robustness is { } robustBefore && after.Robustness is { } robustAfter && robustBefore.Seed == robustAfter.Seed)
        {
            metrics.Add(new("worst shift accuracy", robustBefore.Worst.Accuracy, robustAfter.Worst.Accuracy, true));
            foreach (var shift in robustBefore.Shifts.Join(robustAfter.Shifts, s => s.Name, s => s.Name, (b, a) => (b.Name, Before: b.Accuracy, After: a.Accuracy)))
            {
                metrics.Add(new($"{shift.Name} accuracy", shift.Before, shift.After, true));
            }
        }

        foreach (var (b, a) in before.PerClass.Zip(after.PerClass))
        {
            metrics.Add(new($"digit {b.Label} precision", b.Precision, a.Precision, true));
            metrics.Add(new($"digit {b.Label} recall", b.Recall, a.Recall, true));
            metrics.Add(new($"digit {b.Label} F1", b.F1, a.F1, true));
        }

        var recalls = before.PerClass.Zip(after.PerClass).Select(p => new MetricChange($"{p.First.Label}", p.First.Recall, p.Second.Recall, true)).ToList();
        return new ReportComparison(beforeName, afterName, metrics, recalls, sameTestSet);
    }

    public string ToText()
    {
        var text = new StringBuilder();
        var width = Metrics.Max(m => m.Metric.Length);
        Append(text, $"{"metric".PadRight(width)}  {BeforeName,14}  {AfterName,14}  {"change",10}");
        foreach (var m in Metrics)
        {
            Append(text, $"{m.Metric.PadRight(width)}  {Format(m.Before),14}  {Format(m.After),14}  {Signed(m.Change),10}{Mark(m)}");
        }

        AppendSummary(text);
        return text.ToString();
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        Append(text, $"### Model comparison: {BeforeName} → {AfterName}");
        Append(text, $"");
        Append(text, $"| metric | {BeforeName} | {AfterName} | change |");
        Append(text, $"|---|---:|---:|---:|");
        foreach (var m in Metrics)
        {
            Append(text, $"| {m.Metric} | {Format(m.Before)} | {Format(m.After)} | {Signed(m.Change)}{Mark(m)} |");
        }

        Append(text, $"");
        AppendSummary(text);
        return text.ToString();
    }

    private void AppendSummary(StringBuilder text)
    {
        Append(text, $"better digits (recall): {Describe(BetterClasses)}");
        Append(text, $"worse digits (recall): {Describe(WorseClasses)}");
        if (!SameTestSet)
        {
            Append(text, $"warning: the two versions were measured on different test sets; the changes mix model and data");
        }
    }

    private static string Describe(IEnumerable<MetricChange> classes)
    {
        var list = classes.Select(c => $"{c.Metric} ({Signed(c.Change)})").ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    private static string Mark(MetricChange m) => Math.Abs(m.Change) <= ClassTolerance ? string.Empty : m.Improved ? " better" : " worse";

    private static string Format(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Signed(double value) => Math.Abs(value) <= ClassTolerance ? "0" : value.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture);

    private static void Append(StringBuilder text, FormattableString line) => text.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
