using System.Globalization;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;

namespace DigitForge.__Name__.Stages;

/// <summary>Evaluate: the model's error on the held-out points, the metrics the pipeline declares.</summary>
public sealed class EvaluateStage : IStage
{
    public string Description => "Measures the line's mean absolute error and R² on every fifth point.";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        StageDependency.On<GenerateStage>(Points.FileName),
        StageDependency.On<TrainStage>(LineModel.FileName),
    ];

    public StageInputs DescribeInputs() => new(new { }, new Dictionary<string, string>(), new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var test = Points.Read(context.UpstreamFile<GenerateStage>(Points.FileName)).Where((_, i) => Points.IsTest(i)).ToList();
        var metrics = LineMetrics.Measure(JsonFile.Read<LineModel>(context.UpstreamFile<TrainStage>(LineModel.FileName)), test);
        JsonFile.Write(context.OutputFile(LineMetrics.FileName), metrics);
        context.Log.Info(string.Create(CultureInfo.InvariantCulture, $"MAE {metrics.Mae:0.####}, R² {metrics.R2:0.####} on {metrics.TestPoints} points"));
    }
}
