using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;
using DigitForge.Kit.Stages;
using DigitForge.Registry;
using DigitForge.Registry.Gate;

namespace DigitForge.HackerNews.Stages;

/// <summary>
/// Promote: stores the evaluated featurizer and model as a version of the pipeline's registry (one
/// per distinct pair), with metrics, training record and lineage, and lets the Hacker News gate
/// decide whether it replaces production; <paramref name="force"/> promotes it anyway, recorded.
/// </summary>
public sealed class PromoteStage(NewsGateConfig gate, RegistryTarget target, bool force = false) : PromoteStageBase(gate, target, force)
{
    /// <summary>The registry figure of a version's test MAE, which live MAE is compared with.</summary>
    public const string MaeFigure = "mae";

    public override string Description => "Stores the model as a version; the gate promotes it only if it beats the median baseline's MAE, ranks well enough and does not regress.";

    /// <summary>Enough to score stories and to explain the model.</summary>
    protected override IReadOnlyList<StageDependency> Kept =>
    [
        StageDependency.On<FeaturizeStage>(Featurizer.ModelFile, Featurizer.SummaryFile),
        StageDependency.On<TrainStage>(NewsTrainer.ModelFile, NewsTrainer.ImportanceFile, NewsTrainer.RecordFile),
        StageDependency.On<EvaluateStage>(NewsEvaluator.MetricsFile, NewsEvaluator.TextFile),

        // So the version's lineage names the feedback it was trained on even once the snapshots are gone.
        StageDependency.On<SplitStage>(Monitoring.Feedback.FeedbackFacts.FileName),
    ];

    protected override IReadOnlyList<StageDependency> AlsoRead =>
    [
        StageDependency.On<IngestStage>(),
        StageDependency.On<SplitStage>(SplitStage.TestFile),
    ];

    /// <summary>A version is the featurizer and the trees together: either alone predicts nothing.</summary>
    protected override IEnumerable<string> ModelFiles(StageRunContext context) =>
        [context.UpstreamFile<FeaturizeStage>(Featurizer.ModelFile), context.UpstreamFile<TrainStage>(NewsTrainer.ModelFile)];

    protected override ModelMetrics Figures(StageRunContext context) =>
        Figures(JsonFile.Read<NewsMetrics>(context.UpstreamFile<EvaluateStage>(NewsEvaluator.MetricsFile)));

    protected override GateDecision Gate(string candidate, string? production) =>
        NewsGate.Decide(Metrics(candidate), production is null ? null : Metrics(production), gate);

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

    private static NewsMetrics Metrics(string folder) => JsonFile.Read<NewsMetrics>(Path.Combine(folder, NewsEvaluator.MetricsFile));
}
