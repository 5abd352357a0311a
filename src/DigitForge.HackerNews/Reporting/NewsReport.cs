using DigitForge.Registry.Gate;
using System.Globalization;
using System.Net;
using System.Text;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Modelling;

namespace DigitForge.HackerNews.Reporting;

/// <summary>A figure of the report: its file name, caption and PNG bytes.</summary>
public sealed record ReportFigure(string FileName, string Caption, byte[] Png);

/// <summary>
/// The Hacker News model's report as one self-contained HTML file (figures embedded as PNG data
/// URIs, no external styles or scripts): metrics beside both baselines, the gate's reasons, predicted
/// vs actual, residuals, errors by comment count and the most important features.
/// </summary>
public static class NewsReport
{
    public const string ReportFile = "report.html";
    public const string FiguresFolder = "figures";
    private const int TopFeatures = 20;

    /// <summary>
    /// Reads Evaluate's folder (<c>metrics.json</c>, <c>predictions.csv</c>) and Train's (<c>importance.json</c>),
    /// writes <c>report.html</c> and the same figures as <c>figures/*.png</c> to <paramref name="outputDirectory"/>.
    /// </summary>
    /// <param name="pipelinePicture">The pipeline's stage graph as inline SVG (may be empty).</param>
    public static void Write(string evaluationDirectory, string trainingDirectory, PromotionDecision? decision, string pipelinePicture, string outputDirectory, DateTimeOffset createdAt)
    {
        var metrics = JsonFile.Read<NewsMetrics>(Path.Combine(evaluationDirectory, NewsEvaluator.MetricsFile));
        var predictions = ReadPredictions(Path.Combine(evaluationDirectory, NewsEvaluator.PredictionsFile));
        var importance = JsonFile.Read<List<FeatureImportance>>(Path.Combine(trainingDirectory, NewsTrainer.ImportanceFile));
        List<ReportFigure> figures =
        [
            new("predicted-vs-actual.png", "Predicted against actual comments per test story; both axes log(1 + count).", ReportFigures.PredictedVsActual(predictions)),
            new("residuals.png", "Residuals on the log scale: how many times too high or too low the predictions are.", ReportFigures.Residuals(predictions)),
            new("baselines.png", "MAE and RMSE of the model and of always predicting the training mean or median.", ReportFigures.Baselines(metrics)),
            new("importance.png", "Features by their share of the trees' split gain.", ReportFigures.Importance(importance, TopFeatures)),
        ];

        var figuresDirectory = Path.Combine(outputDirectory, FiguresFolder);
        Directory.CreateDirectory(figuresDirectory);
        foreach (var figure in figures)
            AtomicFile.WriteAllBytes(Path.Combine(figuresDirectory, figure.FileName), figure.Png);
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, ReportFile), Render(metrics, importance, decision, pipelinePicture, figures, createdAt));
    }

    public static string Render(NewsMetrics metrics, IReadOnlyList<FeatureImportance> importance, PromotionDecision? decision, string pipelinePicture, IReadOnlyList<ReportFigure> figures, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(importance);
        ArgumentNullException.ThrowIfNull(figures);
        var html = new StringBuilder();
        void Line(FormattableString text) => html.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
        string E(string text) => WebUtility.HtmlEncode(text);

        Line($"<!DOCTYPE html>");
        Line($"<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hacker News comments model: evaluation report</title>");
        Line($"<style>body{{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}}table{{border-collapse:collapse;margin-bottom:1rem}}td,th{{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}}th{{background:#f3f3f3}}td:first-child{{text-align:left}}.figures img{{max-width:100%;border:1px solid #ddd}}.promote{{color:#126b2f}}.reject{{color:#a11}}</style>");
        Line($"</head><body>");
        Line($"<h1>Hacker News comments model</h1>");
        Line($"<p>Evaluation report made {createdAt.ToUniversalTime():yyyy-MM-dd HH:mm} UTC on the held-out test split: {metrics.TestStories} stories (trained on {metrics.TrainStories}; target {E(TargetName(metrics.Target))}; test set {E(metrics.TestSet[..Math.Min(7, metrics.TestSet.Length)])}).</p>");

        Line($"<h2>Model and baselines</h2>");
        Line($"<p>The baselines predict one number for every story, learnt from the training split: its mean ({metrics.MeanBaseline.Prediction:0.00} comments) and its median ({metrics.MedianBaseline.Prediction:0.00}).</p>");
        foreach (var (scale, pick) in new (string, Func<PredictorMetrics, ScaleMetrics>)[] { ("comment counts", p => p.Count), ("log(1 + comments)", p => p.Log1p) })
        {
            Line($"<table id=\"metrics-{(scale.StartsWith("log", StringComparison.Ordinal) ? "log1p" : "count")}\"><tr><th>{E(scale)}</th><th>R²</th><th>MAE</th><th>RMSE</th><th>Spearman</th></tr>");
            foreach (var (name, m) in new[] { ("model", pick(metrics.Model)), ("mean baseline", pick(new(metrics.MeanBaseline.Count, metrics.MeanBaseline.Log1p))), ("median baseline", pick(new(metrics.MedianBaseline.Count, metrics.MedianBaseline.Log1p))) })
                Line($"<tr><td>{E(name)}</td><td>{Optional(m.R2)}</td><td>{m.Mae:0.0000}</td><td>{m.Rmse:0.0000}</td><td>{Optional(m.Spearman)}</td></tr>");
            Line($"</table>");
        }

        if (decision is not null)
        {
            Line($"<h2>Quality gate</h2>");
            Line($"<p class=\"{(decision.InProduction ? "promote" : "reject")}\" id=\"decision\"><strong>{E(decision.Version)}: {E(decision.Outcome)}{(decision.Forced ? " (forced)" : string.Empty)}; production {E(decision.InProduction ? "is this model" : "stays " + (decision.Production ?? "empty"))}</strong></p>");
            Line($"<ul>");
            foreach (var reason in decision.Reasons)
                Line($"<li>{E(reason)}</li>");
            Line($"</ul>");
        }

        if (pipelinePicture.Length > 0)
        {
            Line($"<h2>Pipeline</h2>");
            html.Append(pipelinePicture);
        }

        Line($"<h2>Figures</h2><div class=\"figures\">");
        foreach (var figure in figures)
            Line($"<figure><img alt=\"{E(figure.Caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(figure.Png)}\"><figcaption>{E(figure.Caption)}</figcaption></figure>");
        Line($"</div>");

        Line($"<h2>Errors by actual comment count</h2>");
        Line($"<table id=\"buckets\"><tr><th>comments</th><th>stories</th><th>MAE</th><th>mean signed error (predicted - actual)</th></tr>");
        foreach (var bucket in metrics.Buckets)
            Line($"<tr><td>{E(bucket.Bucket)}</td><td>{bucket.Stories}</td><td>{Optional(bucket.Mae)}</td><td>{Optional(bucket.MeanSignedError)}</td></tr>");
        Line($"</table>");

        Line($"<h2>Most important features</h2>");
        Line($"<table id=\"importance\"><tr><th>feature</th><th>share of split gain</th></tr>");
        foreach (var feature in importance.Take(TopFeatures))
            Line($"<tr><td>{E(feature.Feature)}</td><td>{feature.Share:P2}</td></tr>");
        Line($"</table>");
        Line($"</body></html>");
        return html.ToString();
    }

    /// <summary>Reads <c>predictions.csv</c> (<c>id,actual,predicted</c>); errors name the file and line.</summary>
    public static IReadOnlyList<PredictionPoint> ReadPredictions(string path)
    {
        var lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != "id,actual,predicted")
            throw new InvalidDataException($"{path}: not a predictions file (expected the header id,actual,predicted)");
        return [.. lines.Skip(1).Select((line, i) =>
        {
            var cells = line.Split(',');
            return cells.Length == 3
                && long.TryParse(cells[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
                && double.TryParse(cells[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var actual)
                && double.TryParse(cells[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var predicted)
                ? new PredictionPoint(id, actual, predicted)
                : throw new InvalidDataException($"{path}: line {i + 2} is not id,actual,predicted: {line}");
        })];
    }

    private static string TargetName(NewsTarget target) => target == NewsTarget.Log1p ? "log(1 + comments)" : "comment count";

    private static string Optional(double? value) => value is { } v ? v.ToString("0.0000", CultureInfo.InvariantCulture) : "n/a";
}
