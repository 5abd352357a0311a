using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;

namespace DigitForge.Kit.Stages;

/// <summary>
/// What every pipeline's Report stage does around its page: reads the Promote stage's decision, has the pipeline
/// write the self-contained HTML page, and keeps a copy per model version in <paramref name="reportsRoot"/>.
/// </summary>
public abstract class ReportStageBase(string reportsRoot) : IStage
{
    public abstract string Description { get; }

    /// <summary>The pipeline's Promote stage, whose decision the page shows.</summary>
    protected abstract Type Promote { get; }

    /// <summary>The upstream files the page shows besides the decision.</summary>
    protected abstract IReadOnlyList<StageDependency> Shows { get; }

    public IReadOnlyList<StageDependency> Dependencies => [.. Shows, new StageDependency(Promote, [PromoteStageBase.DecisionFile])];

    public virtual StageInputs DescribeInputs() => new(new { }, new Dictionary<string, string>(), new Dictionary<string, string>());

    /// <summary>Writes the page into the stage's folder and returns its path.</summary>
    protected abstract string Write(StageRunContext context, PromotionDecision decision);

    public void Run(StageRunContext context)
    {
        var decision = JsonFile.Read<PromotionDecision>(context.UpstreamFile(StageNames.Of(Promote), PromoteStageBase.DecisionFile));
        var copy = VersionReport.Keep(reportsRoot, decision.Version, File.ReadAllText(Write(context, decision)));
        context.Log.Info($"report: {copy}");
    }
}
