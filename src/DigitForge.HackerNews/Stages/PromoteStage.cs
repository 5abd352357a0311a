using DigitForge.Engine.Hashing;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

namespace DigitForge.HackerNews.Stages;

/// <summary>
/// Promote: stores the evaluated featurizer and model as a version of the pipeline's registry (one
/// per distinct pair), with metrics, training record and lineage, and lets the Hacker News gate
/// decide whether it replaces production; <paramref name="force"/> promotes it anyway, recorded.
/// </summary>
/// <param name="target">The pipeline's registry, local or remote (DIGITFORGE_REGISTRY): opened when the stage runs, and
/// part of the fingerprint, so pointing the build at another registry promotes there too.</param>
public sealed class PromoteStage(NewsGateConfig gate, RegistryTarget target, bool force = false) : IStage
{
    public const string DecisionFile = PromotionDecision.FileName;

    /// <summary>What a version keeps, by the stage that made it: enough to score stories and to explain the model.</summary>
    private static readonly string[] FeaturizeFiles = [Featurizer.ModelFile, Featurizer.SummaryFile];
    private static readonly string[] TrainFiles = [NewsTrainer.ModelFile, NewsTrainer.ImportanceFile, NewsTrainer.RecordFile];
    private static readonly string[] EvaluateFiles = [NewsEvaluator.MetricsFile, NewsEvaluator.TextFile];

    public string Description => "Stores the model as a version; the gate promotes it only if it beats the median baseline's MAE, ranks well enough and does not regress.";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        StageDependency.On<IngestStage>(),
        StageDependency.On<SplitStage>(SplitStage.TestFile, Monitoring.Feedback.FeedbackFacts.FileName),
        StageDependency.On<FeaturizeStage>(FeaturizeFiles),
        StageDependency.On<TrainStage>(TrainFiles),
        StageDependency.On<EvaluateStage>(EvaluateFiles),
    ];

    /// <summary>Its effect is the registry entry, so it must run; a cached decision.json would register nothing.</summary>
    public bool Cacheable => false;

    public string? MissingEffect(string outputFolder) => target.MissingPromotion();

    public StageInputs DescribeInputs() => new(
        new { promote = gate },
        new Dictionary<string, string>(),
        target.Facts());

    public void Run(StageRunContext context)
    {
        var metrics = JsonFile.Read<NewsMetrics>(context.UpstreamFile<EvaluateStage>(NewsEvaluator.MetricsFile));
        // A version is the featurizer and the trees together: either alone predicts nothing.
        var contentHash = ContentHash.OfText(ContentHash.OfFile(context.UpstreamFile<FeaturizeStage>(Featurizer.ModelFile)) + ContentHash.OfFile(context.UpstreamFile<TrainStage>(NewsTrainer.ModelFile)));
        Promotion.Publish(
            context,
            target,
            contentHash,
            (directory, version, production) => WriteVersion(context, directory, version, production),
            Figures(metrics),
            (_, production, store) => NewsGate.Decide(metrics, ProductionMetrics(store, production), gate),
            force);
    }

    /// <summary>The registry figure of a version's test MAE, which live MAE is compared with.</summary>
    public const string MaeFigure = "mae";

    /// <summary>What the registry lists of a version: its test figures, comparable on the same test set.</summary>
    public static ModelMetrics Figures(NewsMetrics metrics)
    {
        var figures = new Dictionary<string, double>
        {
            [MaeFigure] = Math.Round(metrics.Model.Count.Mae, 4),
            ["medianBaselineMae"] = Math.Round(metrics.MedianBaseline.Count.Mae, 4),
        };

        // Undefined for a constant prediction: left out rather than written as NaN.
        if (metrics.Model.Count.Spearman is { } spearman)
        {
            figures["spearman"] = Math.Round(spearman, 4);
        }

        return new(null, null, null, metrics.TestSet, figures);
    }

    private static NewsMetrics? ProductionMetrics(IVersionStore store, RegistryEntry? production) =>
        production is null ? null : JsonFile.Read<NewsMetrics>(Path.Combine(store.Get(production.Version).Directory, NewsEvaluator.MetricsFile));

    // The version's files, and its lineage for the manifest: every upstream stage's fingerprint parts and the merged recipe.
    private JObject WriteVersion(StageRunContext context, string directory, string version, string? parentProduction)
    {
        foreach (var path in FeaturizeFiles.Select(context.UpstreamFile<FeaturizeStage>)
                     .Concat(TrainFiles.Select(context.UpstreamFile<TrainStage>))
                     .Concat(EvaluateFiles.Select(context.UpstreamFile<EvaluateStage>))
                     .Append(context.UpstreamFile<SplitStage>(Monitoring.Feedback.FeedbackFacts.FileName)))
        {
            File.Copy(path, Path.Combine(directory, Path.GetFileName(path)));
        }

        var lineage = VersionLineage.Of(context, parentProduction, (JObject)CanonicalJson.ToToken(new { promote = gate }));
        return JObject.FromObject(
            new { version, lineage.ParentProduction, lineage.Stages, lineage.Config },
            Newtonsoft.Json.JsonSerializer.Create(JsonFile.Settings));
    }
}
