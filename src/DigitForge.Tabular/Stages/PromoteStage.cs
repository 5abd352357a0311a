using DigitForge.Engine.Stages;
using DigitForge.Kit.Stages;
using DigitForge.Registry;
using DigitForge.Registry.Gate;

namespace DigitForge.Tabular.Stages;

/// <summary>Promote: stores the model, its declaration and metrics as a version; the recipe's gate decides whether it becomes production.</summary>
public sealed class PromoteStage(TabularDeclaration declaration, TabularGateConfig gate, RegistryTarget target, bool force = false) : PromoteStageBase(gate, target, force)
{
    public override string Description => "Stores the model as a version; the gate promotes it only if it meets the recipe's bounds and does not regress.";

    protected override IReadOnlyList<StageDependency> Kept =>
    [
        StageDependency.On<TrainStage>(TrainStage.ModelFile, TrainStage.DeclarationFile, TrainStage.RecordFile),
        StageDependency.On<EvaluateStage>(TabularMetrics.File, TabularMetrics.TextFile),
    ];

    protected override IReadOnlyList<StageDependency> AlsoRead => [StageDependency.On<IngestStage>(), StageDependency.On<SplitStage>(SplitStage.TestFile)];

    protected override IEnumerable<string> ModelFiles(StageRunContext context) => [context.UpstreamFile<TrainStage>(TrainStage.ModelFile)];

    protected override ModelMetrics Figures(StageRunContext context)
    {
        var metrics = TabularMetrics.Read(Path.GetDirectoryName(context.UpstreamFile<EvaluateStage>(TabularMetrics.File))!);
        var figures = metrics.Figures().ToDictionary(f => f.Key, f => Math.Round(f.Value, 4));
        return metrics.Classification is { } c
            ? new(c.Accuracy, c.Recall.Min(), c.Recall.ToList().IndexOf(c.Recall.Min()), c.TestSet, figures)
            : new(null, null, null, metrics.TestSet, figures);
    }

    protected override GateDecision Gate(string candidate, string? production) =>
        TabularGate.Decide(TabularMetrics.Read(candidate), production is null ? null : TabularMetrics.Read(production), gate, declaration.Task!.Value);
}
