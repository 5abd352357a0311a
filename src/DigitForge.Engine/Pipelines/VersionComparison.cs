using System.Globalization;
using System.Text;

namespace DigitForge.Engine.Pipelines;

/// <summary>One figure of two versions side by side; its sense says which way is an improvement.</summary>
public sealed record MetricChange(string Metric, double Before, double After, MetricSense Sense, string? RecallOf)
{
    public double Change => After - Before;

    public bool Improved => Sense == MetricSense.HigherIsBetter ? Change > 0 : Change < 0;
}

/// <summary>
/// Two model versions compared figure by figure, like <c>dvc metrics diff</c>: every figure both versions have
/// (as their pipeline declares them, <see cref="IPipelineDefinition.Figures"/>) with both values and the change,
/// and which classes got better or worse by recall (beyond <see cref="Tolerance"/>) for a classifier.
/// </summary>
public sealed record VersionComparison(string BeforeName, string AfterName, IReadOnlyList<MetricChange> Metrics, bool SameTestSet)
{
    /// <summary>Changes smaller than this are noise, not "better" or "worse".</summary>
    public const double Tolerance = 1e-9;

    public IEnumerable<MetricChange> BetterClasses => Metrics.Where(m => m.RecallOf is not null && m.Change > Tolerance);

    public IEnumerable<MetricChange> WorseClasses => Metrics.Where(m => m.RecallOf is not null && m.Change < -Tolerance);

    /// <summary>The figures both versions have, in <paramref name="before"/>'s order; a figure only one has is left out.</summary>
    public static VersionComparison Compare(string beforeName, IReadOnlyList<VersionFigure> before, string afterName, IReadOnlyList<VersionFigure> after, bool sameTestSet)
    {
        var later = after.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var changes = before
            .Where(f => later.ContainsKey(f.Name))
            .Select(f => new MetricChange(f.Name, f.Value, later[f.Name].Value, f.Sense, f.RecallOf))
            .ToList();
        return changes.Count == 0
            ? throw new ArgumentException($"{beforeName} and {afterName} have no figure in common: not comparable")
            : new VersionComparison(beforeName, afterName, changes, sameTestSet);
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
        if (Metrics.Any(m => m.RecallOf is not null))
        {
            Append(text, $"better classes (recall): {Describe(BetterClasses)}");
            Append(text, $"worse classes (recall): {Describe(WorseClasses)}");
        }

        if (!SameTestSet)
        {
            Append(text, $"warning: the two versions were measured on different test sets; the changes mix model and data");
        }
    }

    private static string Describe(IEnumerable<MetricChange> classes)
    {
        var list = classes.Select(c => $"{c.RecallOf} ({Signed(c.Change)})").ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    private static string Mark(MetricChange m) => Math.Abs(m.Change) <= Tolerance ? string.Empty : m.Improved ? " better" : " worse";

    private static string Format(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Signed(double value) => Math.Abs(value) <= Tolerance ? "0" : value.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture);

    private static void Append(StringBuilder text, FormattableString line) => text.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
