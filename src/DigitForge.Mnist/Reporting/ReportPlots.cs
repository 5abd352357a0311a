using System.Globalization;
using DigitForge.Evaluation.Metrics;
using DigitForge.Reporting.Plots;
using ScottPlot;

namespace DigitForge.Mnist.Reporting;

/// <summary>The report's figures, drawn with ScottPlot as PNG bytes.</summary>
public static class ReportPlots
{
    public const int Width = 720;
    public const int Height = 420;

    public static byte[] Loss(IReadOnlyList<EpochPoint> history) => Curves(
        "Loss per epoch", "cross-entropy", history, (0, double.PositiveInfinity), ("train", h => h.TrainLoss), ("validation", h => h.ValLoss));

    public static byte[] Accuracy(IReadOnlyList<EpochPoint> history) => Curves(
        "Accuracy per epoch", "accuracy", history, (0, 1), ("train", h => h.TrainAccuracy), ("validation", h => h.ValAccuracy));

    /// <summary>On a log scale: step schedules divide the rate by powers of ten.</summary>
    public static byte[] LearningRate(IReadOnlyList<EpochPoint> history) => Curves(
        "Learning rate", "log10 of the learning rate", history, (double.NegativeInfinity, double.PositiveInfinity), ("learning rate", h => Math.Log10(h.LearningRate)));

    public static byte[] ConfusionMatrix(ClassificationReport report)
    {
        var plot = new Plot();
        var classes = report.Classes;
        var cells = new double[classes, classes];
        for (var t = 0; t < classes; t++)
        {
            for (var p = 0; p < classes; p++)
            {
                // A heatmap draws its first row at the top: digit 0's row, as in the text report.
                cells[t, p] = report.Confusion(t, p);
            }
        }

        var heatmap = plot.Add.Heatmap(cells);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(heatmap);
        var brightest = report.ConfusionMatrix.SelectMany(r => r).DefaultIfEmpty(0).Max();
        for (var t = 0; t < classes; t++)
        {
            for (var p = 0; p < classes; p++)
            {
                var count = report.Confusion(t, p);
                var label = plot.Add.Text(count.ToString(CultureInfo.InvariantCulture), p, classes - 1 - t);
                label.LabelAlignment = Alignment.MiddleCenter;
                label.LabelFontColor = count > brightest / 2 ? Colors.Black : Colors.White;
                label.LabelFontSize = 11;
            }
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, classes).Select(i => (double)i)], [.. Enumerable.Range(0, classes).Select(Label)]);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, classes).Select(i => (double)(classes - 1 - i))], [.. Enumerable.Range(0, classes).Select(Label)]);
        plot.Title("Confusion matrix (test split)");
        plot.XLabel("predicted digit");
        plot.YLabel("true digit");
        return plot.GetImageBytes(Width, Width - 60, ImageFormat.Png);
    }

    public static byte[] PerClass(ClassificationReport report)
    {
        var plot = new Plot();
        (string Name, Func<ClassMetrics, double> Value, Color Color)[] series =
        [
            ("precision", c => c.Precision, Colors.SteelBlue),
            ("recall", c => c.Recall, Colors.DarkOrange),
            ("F1", c => c.F1, Colors.SeaGreen),
        ];
        for (var s = 0; s < series.Length; s++)
        {
            var bars = report.PerClass.Select(c => new Bar
            {
                Position = c.Label + (s - 1) * 0.27,
                Value = series[s].Value(c),
                Size = 0.25,
                FillColor = series[s].Color,
            }).ToList();
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = series[s].Color });
        }

        // Near the lowest bar rather than 0: the differences between digits are what the figure is for.
        var y = AxisFit.Range([.. report.PerClass.SelectMany(c => new[] { c.Precision, c.Recall, c.F1 })], 0, 1);
        plot.Axes.SetLimitsY(y.Min, y.Max);
        plot.Axes.Bottom.SetTicks([.. report.PerClass.Select(c => (double)c.Label)], [.. report.PerClass.Select(c => Label(c.Label))]);
        plot.ShowLegend(Alignment.LowerRight);
        plot.Title("Per-digit precision, recall and F1");
        plot.XLabel("digit");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    public static byte[] Reliability(ClassificationReport report)
    {
        var plot = new Plot();
        var diagonal = plot.Add.Line(0, 0, 1, 1);
        diagonal.LineColor = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "perfect calibration";
        var used = report.CalibrationBins.Where(b => b.Count > 0).ToList();
        var points = plot.Add.Scatter(used.Select(b => b.MeanConfidence).ToArray(), used.Select(b => b.Accuracy).ToArray());
        points.LegendText = "test split, by confidence bin";
        points.MarkerSize = 8;
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"Reliability diagram (ECE {report.ExpectedCalibrationError:0.0000})"));
        plot.XLabel("mean confidence");
        plot.YLabel("accuracy");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <param name="domain">The values the curves can take: the y axis fits them without passing it.</param>
    private static byte[] Curves(string title, string yLabel, IReadOnlyList<EpochPoint> history, (double Min, double Max) domain, params (string Name, Func<EpochPoint, double> Value)[] series)
    {
        var plot = new Plot();
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        foreach (var (name, value) in series)
        {
            var line = plot.Add.Scatter(epochs, history.Select(value).ToArray());
            line.LegendText = name;
        }

        var y = AxisFit.Range([.. series.SelectMany(s => history.Select(s.Value))], domain.Min, domain.Max);
        plot.Axes.SetLimitsY(y.Min, y.Max);

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend();
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static string Label(int digit) => digit.ToString(CultureInfo.InvariantCulture);
}
