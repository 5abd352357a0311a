using System.Globalization;
using DigitForge.__Name__.Stages;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;

namespace DigitForge.__Name__;

/// <summary>The __name__ pipeline: Generate, Train, Evaluate (docs/add-a-pipeline.md says what to declare next).</summary>
public sealed class __Name__Pipeline : PipelineDefinition<__Name__Config>
{
    public override string Name => "__name__";

    public override string Description => "__Name__: fits a straight line to seeded points and measures its error.";

    public override Type MetricsStage => typeof(EvaluateStage);

    public override IReadOnlyList<MetricSpec> MetricSpecs { get; } = [MetricSpec.Error("mae"), MetricSpec.Score("r2")];

    public override IEnumerable<string> Headlines(StageGraph graph) =>
        Metrics(graph).TryGetValue("mae", out var mae) ? [string.Create(CultureInfo.InvariantCulture, $"Test MAE {mae:0.####}")] : [];

    public override IReadOnlyDictionary<string, double> Metrics(string folder)
    {
        var file = Path.Combine(folder, LineMetrics.FileName);
        if (!File.Exists(file))
        {
            return new Dictionary<string, double>();
        }

        var metrics = JsonFile.Read<LineMetrics>(file);
        return new Dictionary<string, double> { ["mae"] = metrics.Mae, ["r2"] = metrics.R2 };
    }

    protected override IEnumerable<IStage> Stages(__Name__Config config, PipelinePaths paths, BuildOptions options) =>
    [
        new GenerateStage(config.Data),
        new TrainStage(config.Train),
        new EvaluateStage(),
    ];
}
