using System.Globalization;
using DigitForge.Data.Idx;
using StbImageWriteSharp;

namespace DigitForge.EndToEnd.Tests;

/// <summary>The Score target on the production model a build promoted: the test split as PNG files.</summary>
[Trait("Category", "EndToEnd")]
[Collection(BuildLanes.Second)]
public sealed class ScoreTests : IDisposable
{
    private readonly RepoBuild build = new(seeded: true);
    private readonly TempDirectory temp = new();

    public void Dispose()
    {
        build.Dispose();
        temp.Dispose();
    }

    [Fact]
    public void Scoring_the_test_split_as_png_without_preprocessing_gives_evaluates_predictions_image_by_image()
    {
        build.Run("--target=Promote", "--config=configs/mnist/ci.json", "--set=promote.minAccuracy=0.1", "--set=promote.minClassRecall=0").ExitCode.Should().Be(0);
        var test = IdxFile.Load(build.StageFile("Preprocess", "test-images.idx"), build.StageFile("Preprocess", "test-labels.idx"));
        Directory.CreateDirectory(temp.File("split"));
        for (var i = 0; i < test.Count; i++)
        {
            using var png = File.Create(temp.File($"split/{i:D4}.png"));
            new ImageWriter().WritePng(test.Pixels.AsSpan(i * test.PixelsPerImage, test.PixelsPerImage).ToArray(), test.Columns, test.Rows, ColorComponents.Grey, png);
        }

        var scored = build.Run("--target=Score", $"--input={temp.File("split")}", "--raw", $"--out={temp.File("raw.csv")}");

        scored.ExitCode.Should().Be(0, scored.ToString());
        scored.Output.Should().MatchRegex(@"Scoring .* with production v0001-[0-9a-f]{7}").And.Contain("drift: none");
        var evaluated = File.ReadLines(build.StageFile("Evaluate", "predictions.csv")).Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(f => int.Parse(f[0], CultureInfo.InvariantCulture), f => f[2]);
        var rows = File.ReadLines(temp.File("raw.csv")).Skip(1).Select(line => line.Split(',')).ToList();
        rows.Should().HaveCount(test.Count);
        foreach (var row in rows)
        {
            var index = int.Parse(Path.GetFileNameWithoutExtension(row[0]), CultureInfo.InvariantCulture);
            row[1].Should().Be(evaluated[index], $"image {index} is predicted as Evaluate predicted it");
        }
    }
}
