using DigitForge.Data.Stages;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Evaluation.Metrics;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using DigitForge.Training.Stages;
using DigitForge.Training.Training;
using Newtonsoft.Json.Linq;

namespace DigitForge.Evaluation.Stages;

/// <summary>
/// Promote: stores the evaluated model as a version (one per distinct weights), registers it,
/// and lets the quality gate decide whether it replaces production. A rejected candidate leaves
/// production as it is; the decision and its reasons are recorded in the registry and here.
/// </summary>
public sealed class PromoteStage(GateConfig gate, string modelsRoot) : IStage
{
    public const string DecisionFile = "decision.json";

    private static readonly string[] ModelFiles = [DigitTrainer.WeightsFileName, TrainedModel.FileName];

    public string Name => "Promote";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        new("Preprocess", [.. DatasetFiles.Pair(DatasetFiles.Test)]),
        new("Train", ModelFiles),
        new("Evaluate", [EvaluateStage.MetricsFile, EvaluateStage.TextFile]),
    ];

    public StageInputs DescribeInputs() => new(
        [typeof(PromoteStage).Assembly, typeof(ModelRegistry).Assembly],
        new { promote = gate },
        new Dictionary<string, string>(),
        new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var report = ReportWriter.Read(context.UpstreamFile("Evaluate", EvaluateStage.MetricsFile));
        var testSet = ContentHash.OfText(string.Concat(DatasetFiles.Pair(DatasetFiles.Test).Select(f => ContentHash.OfFile(context.UpstreamFile("Preprocess", f)))));
        var metrics = new ModelMetrics(report.Accuracy, report.LowestRecall, report.LowestRecallLabel, testSet);
        var weights = context.UpstreamFile("Train", DigitTrainer.WeightsFileName);

        var store = new ModelStore(modelsRoot);
        var added = store.Add(ContentHash.OfFile(weights), directory =>
        {
            foreach (var (stage, file) in ModelFiles.Select(f => ("Train", f)).Append(("Evaluate", EvaluateStage.MetricsFile)).Append(("Evaluate", EvaluateStage.TextFile)))
            {
                File.Copy(context.UpstreamFile(stage, file), Path.Combine(directory, file));
            }
        }, Details(context, testSet));
        var registry = new ModelRegistry(store);
        var entry = registry.Register(added.Version, metrics);
        context.Log.Info($"{added.Version.Name} {(added.Created ? "stored" : "already stored")}, {entry.Stage.ToString().ToLowerInvariant()}");

        var production = registry.Production();
        object decision;
        if (production?.Version == entry.Version)
        {
            decision = new { version = entry.Name, outcome = "production", reasons = new[] { "already the production model" } };
        }
        else
        {
            var verdict = QualityGate.Decide(metrics, production?.Metrics, gate);
            if (verdict.Outcome == GateOutcome.Promote)
            {
                registry.Promote(entry.Version, verdict);
                context.Log.Info($"promoted {entry.Name} to production" + (production is null ? string.Empty : $" (was {production.Name})"));
            }
            else
            {
                if (entry.Stage == ModelStage.Candidate)
                {
                    registry.Reject(entry.Version, verdict.Failures);
                }

                context.Log.Warning($"{entry.Name} not promoted; production stays {production?.Name ?? "empty"}: {string.Join("; ", verdict.Failures)}");
            }

            decision = new { version = entry.Name, outcome = verdict.Outcome.ToString().ToLowerInvariant(), reasons = verdict.Reasons, production = production?.Name };
        }

        JsonFile.Write(context.OutputFile(DecisionFile), decision);
    }

    private static JObject Details(StageRunContext context, string testSet) => JObject.FromObject(new
    {
        inputs = new
        {
            weights = ContentHash.OfFile(context.UpstreamFile("Train", DigitTrainer.WeightsFileName)),
            testSet,
        },
        model = JToken.Parse(File.ReadAllText(context.UpstreamFile("Train", TrainedModel.FileName))),
    });
}
