using System.Globalization;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Modelling;
using ScottPlot;

namespace DigitForge.HackerNews.Reporting;

/// <summary>One test story's actual and predicted comment counts, as <c>predictions.csv</c> holds them.</summary>
public sealed record PredictionPoint(long Id, double Actual, double Predicted);

/// <summary>The report's figures, drawn with ScottPlot as PNG bytes.</summary>
public static class ReportFigures
{
    public const int Width = 720;
    public const int Height = 420;

    // Comment counts span 0 to thousands: axes show log10(1 + count), labelled in counts.
    private static readonly double[] CountTicks = [0, 1, 3, 10, 30, 100, 300, 1000, 3000];

    public static byte[] PredictedVsActual(IReadOnlyList<PredictionPoint> predictions)
    {
        var plot = new Plot();
        var points = plot.Add.ScatterPoints(
            predictions.Select(p => Math.Log10(1 + p.Actual)).ToArray(),
            predictions.Select(p => Math.Log10(1 + p.Predicted)).ToArray());
        points.Color = Colors.SteelBlue.WithAlpha(0.35);
        points.MarkerSize = 4;
        points.LegendText = "test story";
        var top = Math.Log10(1 + predictions.Max(p => Math.Max(p.Actual, p.Predicted)));
        var diagonal = plot.Add.Line(0, 0, top, top);
        diagonal.LineColor = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "predicted = actual";
        CountAxis(plot.Axes.Bottom, top);
        CountAxis(plot.Axes.Left, top);
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title("Predicted vs actual comments (test split, log scale)");
        plot.XLabel("actual comments");
        plot.YLabel("predicted comments");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Histogram of log(1 + predicted) - log(1 + actual): 0 is exact, +0.69 predicts double, -0.69 half.</summary>
    public static byte[] Residuals(IReadOnlyList<PredictionPoint> predictions)
    {
        const double BinWidth = 0.25;
        var residuals = predictions.Select(p => double.LogP1(p.Predicted) - double.LogP1(p.Actual)).ToList();
        var bars = residuals
            .GroupBy(r => Math.Floor(r / BinWidth))
            .OrderBy(g => g.Key)
            .Select(g => new Bar { Position = (g.Key + 0.5) * BinWidth, Value = g.Count(), Size = BinWidth * 0.95, FillColor = Colors.SteelBlue })
            .ToList();
        var plot = new Plot();
        plot.Add.Bars(bars);
        var zero = plot.Add.VerticalLine(0);
        zero.LineColor = Colors.Gray;
        zero.LinePattern = LinePattern.Dashed;
        plot.Axes.Margins(bottom: 0);
        plot.Title("Residuals on the log scale (test split)");
        plot.XLabel("log(1 + predicted) - log(1 + actual)   (below 0: under-predicted)");
        plot.YLabel("stories");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>The features with the most split gain, largest at the top.</summary>
    public static byte[] Importance(IReadOnlyList<FeatureImportance> importance, int top)
    {
        var shown = importance.Take(top).ToList();
        var plot = new Plot();
        var bars = plot.Add.Bars(shown.Select((f, i) => new Bar { Position = shown.Count - 1 - i, Value = f.Share * 100, FillColor = Colors.DarkOrange }).ToList());
        bars.Horizontal = true;
        plot.Axes.Left.SetTicks([.. shown.Select((_, i) => (double)(shown.Count - 1 - i))], [.. shown.Select(f => f.Feature)]);
        plot.Axes.Margins(left: 0);
        plot.Title($"Most important features (top {shown.Count.ToString(CultureInfo.InvariantCulture)} of {importance.Count.ToString(CultureInfo.InvariantCulture)} used)");
        plot.XLabel("share of the trees' total split gain (%)");
        return plot.GetImageBytes(Width, Math.Max(Height, 120 + 22 * shown.Count), ImageFormat.Png);
    }

    /// <summary>MAE and RMSE on comment counts of the model and the two baselines, side by side.</summary>
    public static byte[] Baselines(NewsMetrics metrics)
    {
        (string Name, ScaleMetrics Metrics)[] predictors =
        [
            ("model", metrics.Model.Count), ("mean baseline", metrics.MeanBaseline.Count), ("median baseline", metrics.MedianBaseline.Count),
        ];
        (string Name, Func<ScaleMetrics, double> Value, Color Color)[] series =
        [
            ("MAE", m => m.Mae, Colors.SteelBlue), ("RMSE", m => m.Rmse, Colors.DarkOrange),
        ];
        var plot = new Plot();
        for (var s = 0; s < series.Length; s++)
        {
            plot.Add.Bars(predictors.Select((p, i) => new Bar
            {
                Position = i + (s - 0.5) * 0.36,
                Value = series[s].Value(p.Metrics),
                Size = 0.34,
                FillColor = series[s].Color,
                Label = series[s].Value(p.Metrics).ToString("0.0", CultureInfo.InvariantCulture),
            }).ToList());
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = series[s].Color });
        }

        plot.Axes.Bottom.SetTicks([.. predictors.Select((_, i) => (double)i)], [.. predictors.Select(p => p.Name)]);
        // Head room above the tallest bar keeps its value label clear of the legend.
        plot.Axes.Margins(bottom: 0, top: 0.25);
        plot.ShowLegend(Alignment.UpperCenter);
        plot.Title("Model and baselines (comment counts, test split; lower is better)");
        plot.YLabel("comments");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static void CountAxis(IAxis axis, double top)
    {
        var ticks = CountTicks.Where(t => Math.Log10(1 + t) <= top + 0.05).ToArray();
        axis.SetTicks([.. ticks.Select(t => Math.Log10(1 + t))], [.. ticks.Select(t => t.ToString(CultureInfo.InvariantCulture))]);
    }
}
