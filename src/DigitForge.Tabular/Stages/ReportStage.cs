using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Kit.Reporting;
using DigitForge.Kit.Stages;
using DigitForge.Registry.Gate;

namespace DigitForge.Tabular.Stages;

/// <summary>Report: one self-contained HTML page of the headline metrics, the gate's decision and the graph, kept per version.</summary>
public sealed class ReportStage(string pipeline, TabularDeclaration declaration, string reportsRoot) : ReportStageBase(reportsRoot)
{
    public override string Description => "Writes the self-contained HTML report: headline metrics, the evaluation's details, the gate's decision, the graph.";

    protected override Type Promote => typeof(PromoteStage);

    protected override IReadOnlyList<StageDependency> Shows => [StageDependency.On<EvaluateStage>(TabularMetrics.File, TabularMetrics.TextFile)];

    public override StageInputs DescribeInputs() => new(new { pipeline, declaration.Description }, new Dictionary<string, string>(), new Dictionary<string, string>());

    protected override string Write(StageRunContext context, PromotionDecision decision)
    {
        var figures = JsonFile.Read<TabularMetrics>(context.UpstreamFile<EvaluateStage>(TabularMetrics.File)).Figures();
        HeadlineReport.Write(
            context.OutputFile(HeadlineReport.ReportFile),
            $"{pipeline}: {declaration.Description}",
            TabularMetrics.Specs(declaration.Task!.Value).Where(s => figures.ContainsKey(s.Name)).Select(s => (s.Name, s.Format(figures[s.Name]))),
            File.ReadAllText(context.UpstreamFile<EvaluateStage>(TabularMetrics.TextFile)),
            decision,
            context.PipelinePicture());
        return context.OutputFile(HeadlineReport.ReportFile);
    }
}
