using System.Globalization;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Api;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Feedback;
using DigitForge.HackerNews.Reporting;
using DigitForge.HackerNews.Scoring;
using DigitForge.HackerNews.Stages;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using DigitForge.Remote;
using Newtonsoft.Json.Linq;

namespace DigitForge.HackerNews;

/// <summary>The seeds' second system: how many comments will a Hacker News story get, from what is known when it is submitted.</summary>
public sealed class HackerNewsPipeline : PipelineDefinition<NewsConfig>, IGatedPipeline, IMonitoredPipeline, IFeedbackExporter, IOutcomeSource
{
    public override string Name => "hn";

    public override string Description => "Hacker News: predicts a story's comment count from its title, domain and time (ML.NET TF-IDF + FastTree).";

    public override Type PublishingStage => typeof(PromoteStage);

    public PredictionKind Predicts => PredictionKind.Regression;

    public IReadOnlyList<string> Classes => [];

    public MonitorConfig Monitor(object config) => ((NewsConfig)config).Monitor;

    public double? PromotedFigure(Registry.ModelMetrics metrics) => metrics.Figures is { } figures && figures.TryGetValue(PromoteStage.MaeFigure, out var mae) ? mae : null;

    /// <summary>The stories are fetched again through the recipe's <c>data.api</c>: the log keeps only their ids and content hashes.</summary>
    public FeedbackManifest ExportFeedback(IMonitorStore store, object config, PipelinePaths paths, FeedbackWindow window)
    {
        using var client = new HackerNewsClient(((NewsConfig)config).Data.Api.ToClientOptions());
        return StoryFeedback.ExportAsync(store, client, Name, paths.Feedback, window).GetAwaiter().GetResult();
    }

    public IReadOnlyList<string> FeedbackIds(object config) => ((NewsConfig)config).Data.Feedback ?? [];

    /// <summary>The settled comment counts of logged stories, fetched through the recipe's <c>data.api</c>.</summary>
    public GroundTruthReport RecordOutcomes(IMonitorStore store, object config, DateTimeOffset now)
    {
        using var client = new HackerNewsClient(((NewsConfig)config).Data.Api.ToClientOptions());
        return SettledComments.RecordAsync(store, client, Name, Settle(config), now).GetAwaiter().GetResult();
    }

    public DateTimeOffset SettledBefore(object config, DateTimeOffset now) => now - Settle(config);

    private static TimeSpan Settle(object config) => TimeSpan.FromHours(((NewsConfig)config).Monitor.SettleHours);

    public override IEnumerable<string> VersionFacts(string folder, JObject details) => FeedbackFacts.Lines(folder);

    public override IEnumerable<string> Headlines(StageGraph graph)
    {
        var metrics = Path.Combine(graph.Store.DirectoryOf(StageNames.Of<EvaluateStage>()), NewsEvaluator.MetricsFile);
        if (File.Exists(metrics))
        {
            var m = JsonFile.Read<NewsMetrics>(metrics);
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"Test MAE {m.Model.Count.Mae:0.00} comments (median baseline {m.MedianBaseline.Count.Mae:0.00}), Spearman {m.Model.Count.Spearman:0.000}, R² {m.Model.Count.R2:0.000} on {m.TestStories} stories");
        }

        var html = Path.Combine(graph.Store.DirectoryOf(StageNames.Of<ReportStage>()), NewsReport.ReportFile);
        if (File.Exists(html))
        {
            yield return $"Report: {html}";
        }
    }

    public override Type MetricsStage => typeof(EvaluateStage);

    public override IReadOnlyList<MetricSpec> MetricSpecs { get; } =
        [MetricSpec.Error("mae"), MetricSpec.Score("spearman"), MetricSpec.Score("r2"), MetricSpec.Error("baselineMae")];

    public override IPipelineScorer Scorer { get; } = new StoryScorer();

    public override IPipelineServer Server { get; } = new Serving.StoryServer();

    public override IReadOnlyDictionary<string, double> Metrics(string folder)
    {
        var metrics = Path.Combine(folder, NewsEvaluator.MetricsFile);
        if (!File.Exists(metrics))
        {
            return new Dictionary<string, double>();
        }

        var m = JsonFile.Read<NewsMetrics>(metrics);
        // Spearman and R² are undefined on a constant test set: left out rather than recorded as a number.
        var figures = new (string Name, double? Value)[]
        {
            ("mae", m.Model.Count.Mae), ("spearman", m.Model.Count.Spearman), ("r2", m.Model.Count.R2), ("baselineMae", m.MedianBaseline.Count.Mae),
        };
        return figures.Where(f => f.Value is not null).ToDictionary(f => f.Name, f => f.Value!.Value);
    }

    /// <summary>The recipe's <c>promote</c> section on the versions' metrics.json, as the Promote stage applies it.</summary>
    public GateDecision Gate(object config, GateSubject candidate, GateSubject? production) =>
        NewsGate.Decide(ReadMetrics(candidate.Files), production is null ? null : ReadMetrics(production.Files), ((NewsConfig)config).Promote);

    private static NewsMetrics ReadMetrics(ModelVersion version) => JsonFile.Read<NewsMetrics>(version.File(NewsEvaluator.MetricsFile));

    protected override IEnumerable<IStage> Stages(NewsConfig config, PipelinePaths paths, BuildOptions options) =>
    [
        new IngestStage(config.Data, paths.Root, Path.Combine(paths.Home, "ingest.checkpoint.jsonl")),
        // Each story once: a story is its id from Split to the model (the files refuse a repeated id), so no data.feedbackRepeat.
        new SplitStage(config.Split, TrainingFeedback.Read(paths.Feedback, config.Data.Feedback, repeat: 1)),
        new FeaturizeStage(config.Features),
        new TrainStage(config.Train),
        new EvaluateStage(),
        new PromoteStage(config.Promote, RegistrySettings.Target(paths.Models, Name), options.ForcePromotion),
        new ReportStage(paths.Reports),
    ];
}
