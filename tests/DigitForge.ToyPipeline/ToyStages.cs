using System.Globalization;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

namespace DigitForge.ToyPipeline;

public sealed class IngestStage(ToyData data) : IStage
{
    public string Description => "Makes the labelled rows.";

    public IReadOnlyList<StageDependency> Dependencies => [];

    public StageInputs DescribeInputs() => new(new { data }, new Dictionary<string, string>(), new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var lines = Enumerable.Range(0, data.Rows).Select(i =>
        {
            var x = (double)i / data.Rows;
            var label = (x > 0.5 ? 1 : 0) ^ (i % data.NoiseEvery == data.NoiseEvery - 1 ? 1 : 0);
            return string.Create(CultureInfo.InvariantCulture, $"{x:R},{label}");
        });
        File.WriteAllLines(context.OutputFile(ToyRows.FileName), ["x,label", .. lines]);
    }
}

public sealed class TrainStage(ToyTrain train) : IStage
{
    public string Description => "Picks the threshold that classifies the training rows best.";

    public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<IngestStage>(ToyRows.FileName)];

    public StageInputs DescribeInputs() => new(new { train }, new Dictionary<string, string>(), new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var rows = ToyRows.Read(context.UpstreamFile<IngestStage>(ToyRows.FileName)).Where((_, i) => !ToyRows.IsTest(i)).ToList();
        var best = Enumerable.Range(0, train.Candidates)
            .Select(c => new ToyModel((double)c / (train.Candidates - 1)))
            .MaxBy(model => rows.Count(r => model.Predict(r.X) == r.Label))!;
        JsonFile.Write(context.OutputFile(ToyModel.FileName), best);
    }
}

public sealed class EvaluateStage : IStage
{
    public string Description => "Measures accuracy and each class's recall on every fourth row.";

    public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<IngestStage>(ToyRows.FileName), StageDependency.On<TrainStage>(ToyModel.FileName)];

    public StageInputs DescribeInputs() => new(new { }, new Dictionary<string, string>(), new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var rowsFile = context.UpstreamFile<IngestStage>(ToyRows.FileName);
        var test = ToyRows.Read(rowsFile).Where((_, i) => ToyRows.IsTest(i)).ToList();
        var model = JsonFile.Read<ToyModel>(context.UpstreamFile<TrainStage>(ToyModel.FileName));
        double[] recalls = [.. Enumerable.Range(0, ToyPipeline.Classes.Count).Select(label =>
        {
            var of = test.Where(r => r.Label == label).ToList();
            return of.Count == 0 ? 0 : (double)of.Count(r => model.Predict(r.X) == label) / of.Count;
        })];
        var lowest = Array.IndexOf(recalls, recalls.Min());
        var accuracy = (double)test.Count(r => model.Predict(r.X) == r.Label) / test.Count;
        var testSet = ContentHash.OfText(string.Join('\n', test.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.X:R},{r.Label}"))));
        JsonFile.Write(context.OutputFile(ToyMetrics.FileName), new ToyMetrics(accuracy, recalls[lowest], lowest, recalls, testSet));
    }
}

/// <summary>Stores the model as a version of the registry and puts it through the shared quality gate.</summary>
public sealed class PromoteStage(GateConfig gate, RegistryTarget target, bool force) : IStage
{
    public string Description => "Stores the model as a version; the shared gate decides whether it becomes production.";

    public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<TrainStage>(ToyModel.FileName), StageDependency.On<EvaluateStage>(ToyMetrics.FileName)];

    public bool Cacheable => false;

    public string? MissingEffect(string outputFolder) => target.MissingPromotion();

    public StageInputs DescribeInputs() =>
        new(new { promote = gate }, new Dictionary<string, string>(), target.Facts());

    public void Run(StageRunContext context)
    {
        var metrics = JsonFile.Read<ToyMetrics>(context.UpstreamFile<EvaluateStage>(ToyMetrics.FileName));
        Promotion.Publish(
            context,
            target,
            ContentHash.OfFile(context.UpstreamFile<TrainStage>(ToyModel.FileName)),
            (directory, version, production) =>
            {
                File.Copy(context.UpstreamFile<TrainStage>(ToyModel.FileName), Path.Combine(directory, ToyModel.FileName));
                File.Copy(context.UpstreamFile<EvaluateStage>(ToyMetrics.FileName), Path.Combine(directory, ToyMetrics.FileName));
                var lineage = VersionLineage.Of(context, production, (JObject)CanonicalJson.ToToken(new { promote = gate }));
                return JObject.FromObject(
                    new { version, lineage.ParentProduction, lineage.Stages, lineage.Config },
                    Newtonsoft.Json.JsonSerializer.Create(JsonFile.Settings));
            },
            ToyPipeline.RegistryMetrics(metrics),
            (entry, production, _) => QualityGate.Decide(entry.Metrics, production?.Metrics, gate, ToyPipeline.Classes),
            force);
    }
}

public sealed class ReportStage : IStage
{
    public const string FileName = "report.txt";

    public string Description => "Writes the metrics as one line of text.";

    public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<EvaluateStage>(ToyMetrics.FileName), StageDependency.On<PromoteStage>(PromotionDecision.FileName)];

    public StageInputs DescribeInputs() => new(new { }, new Dictionary<string, string>(), new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var metrics = JsonFile.Read<ToyMetrics>(context.UpstreamFile<EvaluateStage>(ToyMetrics.FileName));
        var decision = JsonFile.Read<PromotionDecision>(context.UpstreamFile<PromoteStage>(PromotionDecision.FileName));
        File.WriteAllText(context.OutputFile(FileName), string.Create(CultureInfo.InvariantCulture, $"{decision.Version} {decision.Outcome}: accuracy {metrics.Accuracy:P2}\n"));
    }
}
