using DigitForge.Engine.Text;
using System.Globalization;
using System.Text;
using DigitForge.Engine.Hashing;

namespace DigitForge.HackerNews.Evaluation;

/// <summary><c>metrics.txt</c>: the metrics as aligned tables; invariant culture, "\n" line endings.</summary>
public static class MetricsText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Format(NewsMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line.TrimEnd()).Append('\n');

        Line($"Test stories   {metrics.TestStories.ToString(Invariant)} (trained on {metrics.TrainStories.ToString(Invariant)}, target {metrics.Target.ToString().ToLowerInvariant()})");
        Line($"Test set       {ContentHash.Short(metrics.TestSet)}");
        Line($"Baselines      mean {Figure(metrics.MeanBaseline.Prediction)}, median {Figure(metrics.MedianBaseline.Prediction)} comments (training split)");
        Line();

        var predictors = new[]
        {
            ("model", metrics.Model.Count, metrics.Model.Log1p),
            ("mean baseline", metrics.MeanBaseline.Count, metrics.MeanBaseline.Log1p),
            ("median baseline", metrics.MedianBaseline.Count, metrics.MedianBaseline.Log1p),
        };
        Line("Comment counts");
        foreach (var line in TextTable.Render(["predictor", "R2", "MAE", "RMSE", "Spearman"], [.. predictors.Select(p => Row(p.Item1, p.Item2))]))
            Line(line);
        Line();
        Line("log(1 + comments)");
        foreach (var line in TextTable.Render(["predictor", "R2", "MAE", "RMSE", "Spearman"], [.. predictors.Select(p => Row(p.Item1, p.Item3))]))
            Line(line);
        Line();

        Line("Model errors by actual comment count (signed error: predicted - actual)");
        var buckets = metrics.Buckets
            .Select(b => new[] { b.Bucket, b.Stories.ToString(Invariant), Optional(b.Mae), Optional(b.MeanSignedError) })
            .ToList();
        foreach (var line in TextTable.Render(["comments", "stories", "MAE", "mean signed error"], buckets))
            Line(line);
        return text.ToString();
    }

    private static string[] Row(string name, ScaleMetrics m) =>
        [name, Optional(m.R2), Figure(m.Mae), Figure(m.Rmse), Optional(m.Spearman)];

    private static string Figure(double value) => value.ToString("0.0000", Invariant);

    private static string Optional(double? value) => value is { } v ? Figure(v) : "n/a";
}
