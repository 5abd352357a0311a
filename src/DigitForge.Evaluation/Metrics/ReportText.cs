using DigitForge.Engine.Text;
using System.Globalization;
using System.Text;

namespace DigitForge.Evaluation.Metrics;

/// <summary>The plain-text form of a report: invariant culture, "\n" line endings, right-aligned columns.</summary>
internal static class ReportText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Format(ClassificationReport report)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line.TrimEnd()).Append('\n');

        Line($"Examples     {report.Count.ToString(Invariant)}");
        Line($"Accuracy     {Ratio(report.Accuracy)}");
        Line($"Loss         {Ratio(report.Loss)}");
        Line($"ECE          {Ratio(report.ExpectedCalibrationError)} ({report.CalibrationBins.Count.ToString(Invariant)} bins)");
        Line($"Min recall   {Ratio(report.LowestRecall)} (label {report.LowestRecallLabel.ToString(Invariant)})");
        Line();

        var header = new[] { "label", "precision", "recall", "f1", "support", "predicted" };
        var rows = report.PerClass
            .Select(m => new[]
            {
                m.Label.ToString(Invariant), Ratio(m.Precision), Ratio(m.Recall), Ratio(m.F1),
                m.Support.ToString(Invariant), m.PredictedCount.ToString(Invariant),
            })
            .Append(["macro", Ratio(report.MacroAverage.Precision), Ratio(report.MacroAverage.Recall), Ratio(report.MacroAverage.F1), "", ""])
            .Append(["weighted", Ratio(report.WeightedAverage.Precision), Ratio(report.WeightedAverage.Recall), Ratio(report.WeightedAverage.F1), report.Count.ToString(Invariant), ""])
            .ToList();
        foreach (var line in TextTable.Render(header, rows))
            Line(line);
        Line();

        Line("Confusion matrix (rows: true label, columns: predicted label)");
        var matrixHeader = new[] { "true\\pred" }
            .Concat(Enumerable.Range(0, report.Classes).Select(c => c.ToString(Invariant)))
            .ToArray();
        var matrixRows = report.ConfusionMatrix
            .Select((row, label) => new[] { label.ToString(Invariant) }.Concat(row.Select(n => n.ToString(Invariant))).ToArray())
            .ToList();
        foreach (var line in TextTable.Render(matrixHeader, matrixRows))
            Line(line);

        if (report.Robustness is { } robustness)
        {
            Line();
            Line($"Robustness ({robustness.Count.ToString(Invariant)} test images per shift, seed {robustness.Seed.ToString(Invariant)})");
            var shiftRows = robustness.Shifts
                .Select(s => new[] { s.Name, Ratio(s.Accuracy), Ratio(s.Accuracy - report.Accuracy), s.Description })
                .Append(["worst", Ratio(robustness.Worst.Accuracy), Ratio(robustness.Worst.Accuracy - report.Accuracy), robustness.Worst.Name])
                .ToList();
            foreach (var line in TextTable.Render(["shift", "accuracy", "vs clean", "what"], shiftRows))
                Line(line);
        }

        return text.ToString();
    }

    private static string Ratio(double value) => value.ToString("0.0000", Invariant);
}
