using DigitForge.Engine.Pipelines;

namespace DigitForge.Evaluation.Metrics;

/// <summary>
/// A classification report as the figures <c>models compare</c> sets side by side: every headline metric, the
/// shifted test sets' accuracies, and every class's precision, recall and F1, named by the pipeline's class names.
/// </summary>
public static class ReportFigures
{
    public static IReadOnlyList<VersionFigure> Of(ClassificationReport report, IReadOnlyList<string> classNames)
    {
        const MetricSense Higher = MetricSense.HigherIsBetter;
        List<VersionFigure> figures =
        [
            new("accuracy", report.Accuracy, Higher),
            new("loss", report.Loss, MetricSense.LowerIsBetter),
            new("expected calibration error", report.ExpectedCalibrationError, MetricSense.LowerIsBetter),
            new("lowest class recall", report.LowestRecall, Higher),
            new("macro precision", report.MacroAverage.Precision, Higher),
            new("macro recall", report.MacroAverage.Recall, Higher),
            new("macro F1", report.MacroAverage.F1, Higher),
            new("weighted F1", report.WeightedAverage.F1, Higher),
        ];

        // Shifted figures compare only when both were measured the same way (same seed, so the same shifted images): the seed is part of the name.
        if (report.Robustness is { } robustness)
        {
            figures.Add(new($"worst shift accuracy (seed {robustness.Seed})", robustness.Worst.Accuracy, Higher));
            figures.AddRange(robustness.Shifts.Select(shift => new VersionFigure($"{shift.Name} accuracy (seed {robustness.Seed})", shift.Accuracy, Higher)));
        }

        foreach (var c in report.PerClass)
        {
            var name = Registry.ModelMetrics.ClassName(c.Label, classNames);
            figures.Add(new($"{name} precision", c.Precision, Higher));
            figures.Add(new($"{name} recall", c.Recall, Higher, RecallOf: name));
            figures.Add(new($"{name} F1", c.F1, Higher));
        }

        return figures;
    }
}
