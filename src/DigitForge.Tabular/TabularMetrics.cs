using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Storage;
using DigitForge.Kit.Metrics;

namespace DigitForge.Tabular;

/// <summary>metrics.json of a tabular pipeline: a classifier's or a regression's figures, whichever its task is.</summary>
public sealed record TabularMetrics(ClassificationMetrics? Classification, RegressionMetrics? Regression)
{
    public const string File = "metrics.json";
    public const string TextFile = "metrics.txt";

    /// <summary>The metrics a task records, headline first, each with its sense.</summary>
    public static IReadOnlyList<MetricSpec> Specs(TabularTask task) => task == TabularTask.Regression
        ? [MetricSpec.Error("mae"), MetricSpec.Error("rmse"), MetricSpec.Score("r2"), MetricSpec.Error("meanBaselineMae")]
        : [MetricSpec.Fraction("accuracy"), MetricSpec.Fraction("macroF1"), MetricSpec.Error("logLoss")];

    /// <summary>The metrics kept in <paramref name="folder"/>: Evaluate's outputs or a model version.</summary>
    public static TabularMetrics Read(string folder) => JsonFile.Read<TabularMetrics>(Path.Combine(folder, File));

    public string TestSet => Classification?.TestSet ?? Regression!.TestSet;

    public IReadOnlyDictionary<string, double> Figures() => Classification?.Figures() ?? Regression!.Figures();

    public string ToText() => Classification?.ToText() ?? Regression!.ToText();
}
