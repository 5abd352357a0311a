using DigitForge.Data.Stages;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Evaluation.Metrics;
using DigitForge.Evaluation.Packaging;
using DigitForge.Inference;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using DigitForge.Training.Model;
using DigitForge.Training.Stages;
using DigitForge.Training.Training;
using Newtonsoft.Json.Linq;

namespace DigitForge.Evaluation.Stages;

/// <summary>
/// Promote: stores the evaluated model as a version (one per distinct weights, with its ONNX export,
/// metrics, lineage and model card), registers it, and lets the quality gate decide whether it
/// replaces production. A rejected candidate leaves production as it is; <paramref name="force"/>
/// promotes it anyway and the registry records the override. Every decision is in the registry and
/// in <c>decision.json</c>.
/// </summary>
public sealed class PromoteStage(GateConfig gate, string modelsRoot, int threads, bool force = false) : IStage
{
    public const string DecisionFile = PromotionDecision.FileName;


    public string Description => "Stores the model as a version with its ONNX export (parity checked); the quality gate decides on production.";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        StageDependency.On<IngestStage>([]),
        StageDependency.On<PreprocessStage>([.. DatasetFiles.Pair(DatasetFiles.Test)]),
        StageDependency.On<TrainStage>([DigitTrainer.WeightsFileName, TrainedModel.FileName]),
        StageDependency.On<EvaluateStage>([.. ModelVersionWriter.EvaluateFiles, TestPredictions.LogitsFile]),
    ];

    public StageInputs DescribeInputs() => new(
        [typeof(PromoteStage).Assembly, typeof(ModelRegistry).Assembly, typeof(DigitPredictor).Assembly, typeof(OnnxDigitModel).Assembly],
        Config,
        new Dictionary<string, string>(),
        MlEnvironment.Facts());

    /// <summary>Its effect is the registry entry, so it must run; a cached decision.json would register nothing.</summary>
    public bool Cacheable => false;

    private object Config => new { promote = gate };

    public void Run(StageRunContext context)
    {
        var report = ReportWriter.Read(context.UpstreamFile<EvaluateStage>(EvaluateStage.MetricsFile));
        var metrics = new ModelMetrics(report.Accuracy, report.LowestRecall, report.LowestRecallLabel, ModelVersionWriter.TestSetHash(context));
        var store = new ModelStore(modelsRoot);
        var registry = new ModelRegistry(store);
        var actor = Actor.CurrentVia(force ? "build: Promote stage --force" : "build: Promote stage");
        var production = registry.Production();

        var added = store.Add(
            ContentHash.OfFile(context.UpstreamFile<TrainStage>(DigitTrainer.WeightsFileName)),
            (directory, version) => JObject.FromObject(
                new ModelVersionWriter(threads).Write(context, directory, version, production?.Name, (JObject)CanonicalJson.ToToken(Config)),
                Newtonsoft.Json.JsonSerializer.Create(JsonFile.Settings)));
        var entry = registry.Register(added.Version, metrics, actor);
        context.Log.Info($"{added.Version.Name} {(added.Created ? "stored" : "already stored")} in {store.Root}, {Describe(entry.Stage)}");

        var decision = Decide(context, registry, entry, production, metrics, actor);
        JsonFile.Write(context.OutputFile(DecisionFile), decision);
    }

    private PromotionDecision Decide(StageRunContext context, ModelRegistry registry, RegistryEntry entry, RegistryEntry? production, ModelMetrics metrics, Actor actor)
    {
        if (production?.Version == entry.Version)
        {
            context.Log.Info($"{entry.Name} is already the production model");
            return new(entry.Name, "production", ["already the production model"], production.Name, Forced: false);
        }

        var verdict = QualityGate.Decide(metrics, production?.Metrics, gate);
        foreach (var check in verdict.Checks)
        {
            context.Log.Info($"gate {check.Rule}: {(check.Passed ? "pass" : "FAIL")}, {check.Reason}");
        }

        if (entry.Stage == ModelStage.Archived)
        {
            // Its weights were production once; bringing them back is a rollback, and the registry records it as one.
            if (force)
            {
                registry.Rollback(entry.Version, actor);
                context.Log.Warning($"{entry.Name} was production before; restored it as production by --force (was {production?.Name}), recorded as a rollback");
                return new(entry.Name, "rollback", [.. verdict.Reasons], production?.Name, Forced: true);
            }

            context.Log.Warning($"{entry.Name} was production before and is archived; production stays {production?.Name}. Build with --force, or run the Rollback target with --to={entry.Version}, to restore it.");
            return new(entry.Name, "archived", [.. verdict.Reasons], production?.Name, Forced: false);
        }

        var overriding = force && (verdict.Outcome == GateOutcome.Reject || entry.Stage == ModelStage.Rejected);
        if (verdict.Outcome == GateOutcome.Promote && entry.Stage == ModelStage.Candidate || overriding)
        {
            registry.Promote(entry.Version, verdict, force, actor);
            var was = production is null ? string.Empty : $" (was {production.Name})";
            if (overriding)
            {
                context.Log.Warning($"promoted {entry.Name} to production{was} by --force, overriding the gate: {string.Join("; ", verdict.Failures.DefaultIfEmpty("it was rejected before"))}");
            }
            else
            {
                context.Log.Info($"promoted {entry.Name} to production{was}");
            }

            return new(entry.Name, "promote", [.. verdict.Reasons], production?.Name, overriding);
        }

        if (entry.Stage == ModelStage.Candidate)
        {
            registry.Reject(entry.Version, verdict.Failures, actor);
        }

        var why = verdict.Outcome == GateOutcome.Reject ? string.Join("; ", verdict.Failures) : "it was rejected before";
        context.Log.Warning($"{entry.Name} not promoted; production stays {production?.Name ?? "empty"}: {why}. Build with --force to promote it anyway.");
        return new(entry.Name, "reject", [.. verdict.Reasons], production?.Name, Forced: false);
    }

    private static string Describe(ModelStage stage) => stage.ToString().ToLowerInvariant();
}
