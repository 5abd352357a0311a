using System.Globalization;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;

namespace DigitForge.__Name__.Stages;

/// <summary>Train: fits the line on the training points.</summary>
public sealed class TrainStage(__Name__Train train) : IStage
{
    public string Description => string.Create(CultureInfo.InvariantCulture, $"Fits a straight line by least squares (ridge {train.Ridge}) on the training points.");

    public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<GenerateStage>(Points.FileName)];

    public StageInputs DescribeInputs() => new(new { train }, new Dictionary<string, string>(), new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var points = Points.Read(context.UpstreamFile<GenerateStage>(Points.FileName)).Where((_, i) => !Points.IsTest(i)).ToList();
        var model = LineModel.Fit(points, train.Ridge);
        JsonFile.Write(context.OutputFile(LineModel.FileName), model);
        context.Log.Info(string.Create(CultureInfo.InvariantCulture, $"y = {model.Slope:0.###} x + {model.Intercept:0.###} from {points.Count} points"));
    }
}
