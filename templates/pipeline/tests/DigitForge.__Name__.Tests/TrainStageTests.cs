using DigitForge.__Name__.Stages;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;

namespace DigitForge.__Name__.Tests;

[Trait("Category", "Unit")]
public sealed class TrainStageTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Train_recovers_the_line_the_points_lie_on_from_the_training_points_only()
    {
        var generated = Directory.CreateDirectory(temp.File(StageNames.Of<GenerateStage>())).FullName;
        var trained = Directory.CreateDirectory(temp.File(StageNames.Of<TrainStage>())).FullName;
        // The test points (every fifth) lie far off the line: a fit that used them would be pulled away.
        Points.Write(Path.Combine(generated, Points.FileName), Enumerable.Range(0, 50).Select(i => new Point(i / 50.0, Points.IsTest(i) ? 100 : 2 * (i / 50.0) + 1)));
        var context = new StageRunContext(trained, new Dictionary<string, string> { [StageNames.Of<GenerateStage>()] = generated }, new TextStageLog(TextWriter.Null, "Train"), CancellationToken.None);

        new TrainStage(new __Name__Train()).Run(context);

        var model = JsonFile.Read<LineModel>(Path.Combine(trained, LineModel.FileName));
        model.Slope.Should().BeApproximately(2, 1e-9);
        model.Intercept.Should().BeApproximately(1, 1e-9);
    }

    [Fact]
    public void A_ridge_penalty_shrinks_the_slope()
    {
        Point[] points = [new(0, 0), new(1, 1), new(2, 2)];

        LineModel.Fit(points, ridge: 2).Slope.Should().BeApproximately(0.5, 1e-9);
    }
}
