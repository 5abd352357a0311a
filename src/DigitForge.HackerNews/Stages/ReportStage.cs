using DigitForge.Engine.Stages;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Reporting;
using DigitForge.Kit.Stages;
using DigitForge.Registry.Gate;

namespace DigitForge.HackerNews.Stages;

/// <summary>Report: one self-contained HTML page of the model beside its baselines, kept per version.</summary>
public sealed class ReportStage(string reportsRoot) : ReportStageBase(reportsRoot)
{
    public override string Description => "Writes the self-contained HTML report: predicted vs actual, residuals, top features, baselines, the gate's decision.";

    protected override Type Promote => typeof(PromoteStage);

    protected override IReadOnlyList<StageDependency> Shows =>
    [
        StageDependency.On<TrainStage>(NewsTrainer.ImportanceFile),
        StageDependency.On<EvaluateStage>(NewsEvaluator.MetricsFile, NewsEvaluator.PredictionsFile),
    ];

    protected override string Write(StageRunContext context, PromotionDecision decision)
    {
        NewsReport.Write(
            Path.GetDirectoryName(context.UpstreamFile<EvaluateStage>(NewsEvaluator.MetricsFile))!,
            Path.GetDirectoryName(context.UpstreamFile<TrainStage>(NewsTrainer.ImportanceFile))!,
            decision,
            context.PipelinePicture(),
            context.OutputDirectory,
            DateTimeOffset.UtcNow);
        return context.OutputFile(NewsReport.ReportFile);
    }
}
