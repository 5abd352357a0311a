using DigitForge.Inference;
using DigitForge.Scoring.Pipeline;

namespace DigitForge.Scoring.Tests;

/// <summary>
/// The end-to-end check: the default recipe's test split (the images Evaluate scores) written
/// as PNG files and scored through the tool. With preprocessing off, every prediction equals the
/// model's own on the same images (what Evaluate computes); with MNIST-style preprocessing on, the
/// accuracy stays within half a point.
/// </summary>
[Trait("Category", "Unit")]
[Collection(ScoringModelCollection.Name)]
public sealed class TestSplitTests(ScoringModel model) : IDisposable
{
    private readonly TempDirectory dir = new();

    [Fact]
    public void TestSplitAsPng_MatchesTheModel_ImageByImage_WithoutPreprocessing_AndWithinHalfAPointWithIt()
    {
        var split = TestData.TestSplit;
        var folder = dir.File("test-split");
        for (var i = 0; i < split.Count; i++)
        {
            ImageFiles.Write(folder, $"{i:D4}.png", ImageFiles.GreyPng(Digit.Side, Digit.Side, split.Image(i)));
        }

        int[] expected;
        using (var onnx = OnnxDigitModel.Load(model.OnnxPath))
        {
            expected = OnnxDigitModel.Predictions(onnx.Logits(split), onnx.Classes);
        }

        var raw = Score(folder, "raw.csv", preprocess: false);
        var mnist = Score(folder, "mnist.csv", preprocess: true);

        raw.Should().Equal(expected, "with preprocessing off the tool feeds the model the very same pixels");
        var reference = Accuracy(expected, split.Labels);
        reference.Should().BeGreaterThan(0.9, "the fixture's model is a real, trained one");
        Accuracy(mnist, split.Labels).Should().BeApproximately(reference, 0.005);
    }

    public void Dispose() => dir.Dispose();

    private int[] Score(string folder, string output, bool preprocess)
    {
        var outcome = Scorer.Run(new ScoringRequest
        {
            Folder = folder,
            Model = model.OnnxPath,
            Output = dir.File(output),
            Settings = new ScoringSettings { Preprocess = preprocess },
        });
        outcome.HasFailures.Should().BeFalse();
        return [.. Scorer.Rows(dir.File(output)).OrderBy(r => r.Path, StringComparer.Ordinal).Select(r => int.Parse(r.Prediction!.Value.Label))];
    }

    private static double Accuracy(IReadOnlyList<int> predictions, byte[] labels) =>
        predictions.Where((p, i) => p == labels[i]).Count() / (double)labels.Length;
}
