using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Reporting;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;

namespace DigitForge.HackerNews.Stages;

/// <summary>Report: one self-contained HTML page of the model beside its baselines, kept per version.</summary>
public sealed class ReportStage(string reportsRoot) : IStage
{
    public string Description => "Writes the self-contained HTML report: predicted vs actual, residuals, top features, baselines, the gate's decision.";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        StageDependency.On<TrainStage>(NewsTrainer.ImportanceFile),
        StageDependency.On<EvaluateStage>(NewsEvaluator.MetricsFile, NewsEvaluator.PredictionsFile),
        StageDependency.On<PromoteStage>(PromoteStage.DecisionFile),
    ];

    public StageInputs DescribeInputs() => new(
        new { },
        new Dictionary<string, string>(),
        new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var decision = JsonFile.Read<PromotionDecision>(context.UpstreamFile<PromoteStage>(PromoteStage.DecisionFile));
        NewsReport.Write(
            Path.GetDirectoryName(context.UpstreamFile<EvaluateStage>(NewsEvaluator.MetricsFile))!,
            Path.GetDirectoryName(context.UpstreamFile<TrainStage>(NewsTrainer.ImportanceFile))!,
            decision,
            context.PipelinePicture(),
            context.OutputDirectory,
            DateTimeOffset.UtcNow);

        var copy = VersionReport.Keep(reportsRoot, decision.Version, File.ReadAllText(context.OutputFile(NewsReport.ReportFile)));
        context.Log.Info($"report: {copy}");
    }
}
