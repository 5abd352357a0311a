using DigitForge.Data;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Evaluation.Metrics;
using DigitForge.Evaluation.Packaging;
using DigitForge.Inference;
using DigitForge.Mnist.Packaging;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using DigitForge.Training;
using DigitForge.Training.Model;
using DigitForge.Training.Loop;
using Newtonsoft.Json.Linq;

namespace DigitForge.Mnist.Stages;

/// <summary>
/// Promote: stores the evaluated model as a version (one per distinct weights, with its ONNX export,
/// metrics, lineage and model card), registers it, and lets the quality gate decide whether it
/// replaces production. A rejected candidate leaves production as it is; <paramref name="force"/>
/// promotes it anyway and the registry records the override. Every decision is in the registry and
/// in <c>decision.json</c>.
/// </summary>
/// <param name="target">The pipeline's registry, local or remote (DIGITFORGE_REGISTRY): opened when the stage runs, and
/// part of the fingerprint, so pointing the build at another registry promotes there too.</param>
public sealed class PromoteStage(GateConfig gate, RegistryTarget target, TorchNumerics numerics, bool force = false) : IStage
{
    public const string DecisionFile = PromotionDecision.FileName;


    public string Description => "Stores the model as a version with its ONNX exports, FP32 and int8 (parity checked); the quality gate decides on production.";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        StageDependency.On<IngestStage>([]),
        // The test split measures parity; the training split calibrates the int8 export.
        StageDependency.On<PreprocessStage>([.. DatasetFiles.Pair(DatasetFiles.Test), .. DatasetFiles.Pair(DatasetFiles.Train), Monitoring.Feedback.FeedbackFacts.FileName]),
        StageDependency.On<TrainStage>([DigitTrainer.WeightsFileName, TrainedModel.FileName]),
        StageDependency.On<EvaluateStage>([.. ModelVersionWriter.EvaluateFiles, TestPredictions.LogitsFile]),
    ];

    public StageInputs DescribeInputs() => new(
        Config,
        new Dictionary<string, string>(),
        MlEnvironment.Facts(numerics.Kernels).Concat(target.Facts()).ToDictionary());

    /// <summary>Its effect is the registry entry, so it must run; a cached decision.json would register nothing.</summary>
    public bool Cacheable => false;

    public string? MissingEffect(string outputFolder) => target.MissingPromotion();

    private object Config => new { promote = gate };

    public void Run(StageRunContext context)
    {
        var report = ReportWriter.Read(context.UpstreamFile<EvaluateStage>(EvaluateStage.MetricsFile));
        var metrics = new ModelMetrics(
            report.Accuracy, report.LowestRecall, report.LowestRecallLabel, ModelVersionWriter.TestSetHash(context),
            WorstShift: report.Robustness?.Worst.Name, WorstShiftAccuracy: report.Robustness?.Worst.Accuracy);
        Promotion.Publish(
            context,
            target,
            ContentHash.OfFile(context.UpstreamFile<TrainStage>(DigitTrainer.WeightsFileName)),
            (directory, version, production) => JObject.FromObject(
                new ModelVersionWriter(numerics).Write(context, directory, version, production, (JObject)CanonicalJson.ToToken(Config)),
                Newtonsoft.Json.JsonSerializer.Create(JsonFile.Settings)),
            metrics,
            (_, production, _) => QualityGate.Decide(metrics, production?.Metrics, gate, MnistPipeline.Digits),
            force);
    }

}
