using System.Globalization;
using DigitForge.Engine.Stages;

namespace DigitForge.__Name__.Stages;

/// <summary>Generate: the seeded points. Replace it with a stage reading your data (a pinned file, an API).</summary>
public sealed class GenerateStage(__Name__Data data) : IStage
{
    public string Description => string.Create(CultureInfo.InvariantCulture, $"Generates {data.Rows} seeded points around y = {data.Slope} x + {data.Intercept}.");

    public IReadOnlyList<StageDependency> Dependencies => [];

    public StageInputs DescribeInputs() => new(new { data }, new Dictionary<string, string>(), new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var random = new Random(data.Seed);
        var points = Enumerable.Range(0, data.Rows).Select(_ =>
        {
            var x = random.NextDouble();
            return new Point(x, data.Slope * x + data.Intercept + (random.NextDouble() * 2 - 1) * data.Noise);
        });
        Points.Write(context.OutputFile(Points.FileName), points);
        context.Log.Info($"{data.Rows} points");
    }
}
