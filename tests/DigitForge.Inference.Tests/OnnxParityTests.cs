using System.Globalization;
using System.Text;
using DigitForge.Data;
using DigitForge.Training.Model;
using DigitForge.Training.Onnx;
using Xunit.Abstractions;

namespace DigitForge.Inference.Tests;

[Trait("Category", "Unit")]
[Collection(TrainedModelsCollection.Name)]
public sealed class OnnxParityTests(TrainedModels models, ITestOutputHelper output)
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void Parity_BatchNormModel_OnnxLogitsMatchTorchSharp()
    {
        var images = TrainedModels.Holdout(2000);
        var (maxDiff, accuracy) = AssertParity(models.WithBatchNorm, images);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"BatchNorm on: max |torch - onnx| = {maxDiff:E3} over {images.Count} images x 10 logits; accuracy {accuracy:P2} (val {models.WithBatchNorm.ValidationAccuracy:P2}); fixture setup {models.SetupSeconds:F1}s"));
        accuracy.Should().BeGreaterThan(0.5, "two epochs already learn most digits; a broken pipeline would be near chance");
    }

    [Fact]
    public void Parity_ModelWithoutBatchNorm_ExportsWithoutBatchNormNodesAndMatches()
    {
        var bytes = File.ReadAllBytes(models.WithoutBatchNorm.OnnxPath);
        Contains(bytes, "BatchNormalization").Should().BeFalse();
        Contains(File.ReadAllBytes(models.WithBatchNorm.OnnxPath), "BatchNormalization").Should().BeTrue();

        var images = TrainedModels.Holdout(1000);
        var (maxDiff, accuracy) = AssertParity(models.WithoutBatchNorm, images);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"BatchNorm off: max |torch - onnx| = {maxDiff:E3} over {images.Count} images; accuracy {accuracy:P2}"));
    }

    [Fact]
    public void DynamicBatch_Batches1And37AndATail_GiveTheSameLogits()
    {
        var images = TrainedModels.Holdout(100);
        using var onnx = OnnxDigitModel.Load(models.WithBatchNorm.OnnxPath, intraOpThreads: 2);
        using var torch = DigitPredictor.Load(models.WithBatchNorm.WeightsPath, models.WithBatchNorm.Config);
        var reference = torch.Logits(images, models.Normalization);

        foreach (var batch in new[] { 1, 37, 100, 256 })
        {
            var logits = onnx.Logits(images, batch); // 37: batches of 37, 37 and a tail of 26
            var diff = TestData.MaxAbsDifference(reference, logits);
            diff.Should().BeLessThanOrEqualTo(Tolerance, $"batch size {batch}");
            OnnxDigitModel.Predictions(logits, 10).Should().Equal(DigitPredictor.Predictions(reference), $"batch size {batch}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"batch {batch}: max diff {diff:E3}"));
        }

        // Same buffers reused: a second pass is bit-identical.
        onnx.Logits(images, 37).Should().Equal(onnx.Logits(images, 37));
    }

    private (float MaxDiff, double Accuracy) AssertParity(TrainedNetwork network, LabelledImages images)
    {
        float[] expected;
        using (var torch = DigitPredictor.Load(network.WeightsPath, network.Config))
        {
            expected = torch.Logits(images, models.Normalization);
        }

        float[] actual;
        using (var onnx = OnnxDigitModel.Load(network.OnnxPath, intraOpThreads: 2))
        {
            onnx.Normalization.Should().Be(models.Normalization);
            actual = onnx.Logits(images);
        }

        var maxDiff = TestData.MaxAbsDifference(expected, actual);
        var torchPredictions = DigitPredictor.Predictions(expected);
        var onnxPredictions = OnnxDigitModel.Predictions(actual, 10);
        var mismatches = Enumerable.Range(0, images.Count).Where(i => torchPredictions[i] != onnxPredictions[i]).ToList();

        maxDiff.Should().BeLessThanOrEqualTo(Tolerance);
        mismatches.Should().BeEmpty("every image must get the same class from TorchSharp and ONNX Runtime");
        var accuracy = (double)Enumerable.Range(0, images.Count).Count(i => onnxPredictions[i] == images.Labels[i]) / images.Count;
        return (maxDiff, accuracy);
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
