using DigitForge.Data;
using DigitForge.Training.Onnx;

namespace DigitForge.Inference.Tests;

[Trait("Category", "Unit")]
public sealed class OnnxDigitModelTests
{
    private static readonly NormalizationStats Stats = new(0.1307, 0.3081);

    [Fact]
    public void Load_MissingFile_NamesTheFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("absent.onnx");
        var act = () => OnnxDigitModel.Load(path);
        act.Should().Throw<FileNotFoundException>().WithMessage($"*{path}*").Which.FileName.Should().Be(path);
    }

    [Fact]
    public void Load_CorruptFile_NamesTheFile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("garbage.onnx");
        File.WriteAllBytes(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)((i * 7919) % 251))]);

        var act = () => OnnxDigitModel.Load(path);
        act.Should().Throw<InvalidOnnxModelException>().WithMessage($"*{path}*").Which.FilePath.Should().Be(path);
    }

    [Fact]
    public void Load_TruncatedExport_NamesTheFile()
    {
        using var dir = new TempDirectory();
        using var model = TestData.SmallModel();
        var bytes = OnnxExporter.ToBytes(model, Stats, "1");
        var path = dir.File("truncated.onnx");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        FluentActions.Invoking(() => OnnxDigitModel.Load(path)).Should().Throw<InvalidOnnxModelException>().WithMessage($"*{path}*");
    }

    [Theory]
    [InlineData("digitforge.version")]
    [InlineData("digitforge.normalization.mean")]
    [InlineData("digitforge.normalization.std")]
    [InlineData("digitforge.input_shape")]
    [InlineData("digitforge.labels")]
    public void Load_MissingMetadata_NamesTheFileAndKey(string key)
    {
        using var dir = new TempDirectory();
        using var model = TestData.SmallModel();
        var original = OnnxExporter.ToBytes(model, Stats, "1");
        OnnxBytes.Metadata(original).Select(e => e.Key).Should().Contain(key);
        var path = dir.File("nometa.onnx");
        File.WriteAllBytes(path, OnnxBytes.EditMetadata(original, (k, v) => k == key ? null : v));

        FluentActions.Invoking(() => OnnxDigitModel.Load(path)).Should().Throw<InvalidOnnxModelException>()
            .WithMessage($"*{path}*'{key}' is missing*");
    }

    [Theory]
    [InlineData("digitforge.normalization.std", "0")]
    [InlineData("digitforge.normalization.std", "abc")]
    [InlineData("digitforge.normalization.mean", "NaN")]
    [InlineData("digitforge.input_shape", "1,28")]
    [InlineData("digitforge.input_shape", "1,32,32")]
    [InlineData("digitforge.labels", "0,1,2")]
    [InlineData("digitforge.labels", "0,1,,3,4,5,6,7,8,9")]
    [InlineData("digitforge.version", " ")]
    public void Load_InvalidMetadata_NamesTheFile(string key, string value)
    {
        using var dir = new TempDirectory();
        using var model = TestData.SmallModel();
        var path = dir.File("badmeta.onnx");
        File.WriteAllBytes(path, OnnxBytes.EditMetadata(OnnxExporter.ToBytes(model, Stats, "1"), (k, v) => k == key ? value : v));

        // Malformed values name the key; well-formed values that contradict the graph (a 32x32
        // input shape, 3 labels for 10 logits) are caught by the signature check.
        FluentActions.Invoking(() => OnnxDigitModel.Load(path)).Should().Throw<InvalidOnnxModelException>()
            .WithMessage($"*{path}*").Which.FilePath.Should().Be(path);
    }

    [Fact]
    public void Logits_WrongImageSize_IsRejected()
    {
        using var dir = new TempDirectory();
        using var model = TestData.SmallModel();
        var path = dir.File("m.onnx");
        OnnxExporter.Export(model, Stats, "1", path);
        using var onnx = OnnxDigitModel.Load(path, intraOpThreads: 1);

        var images = new LabelledImages(new byte[2 * 20 * 20], new byte[2], 20, 20);
        FluentActions.Invoking(() => onnx.Logits(images)).Should().Throw<ArgumentException>().WithMessage("*28x28*20x20*");
        onnx.Logits(new LabelledImages([], [], 28, 28)).Should().BeEmpty();
    }

    [Fact]
    public void Probabilities_AreSoftmaxOfLogits()
    {
        using var dir = new TempDirectory();
        using var model = TestData.SmallModel();
        var path = dir.File("m.onnx");
        OnnxExporter.Export(model, Stats, "1", path);
        using var onnx = OnnxDigitModel.Load(path);
        var images = TestData.Strided(offset: 4, count: 20);

        var logits = onnx.Logits(images, batchSize: 8);
        var probabilities = onnx.Probabilities(images, batchSize: 8);
        probabilities.Should().Equal(OnnxDigitModel.Softmax(logits, 10));
        for (var i = 0; i < images.Count; i++)
        {
            probabilities.AsSpan(i * 10, 10).ToArray().Sum().Should().BeApproximately(1f, 1e-5f);
        }

        OnnxDigitModel.Predictions(probabilities, 10).Should().Equal(OnnxDigitModel.Predictions(logits, 10));
        OnnxDigitModel.Softmax([1000f, 0f, -1000f], 3).Should().Equal(1f, 0f, 0f);
        OnnxDigitModel.Softmax([2f, 2f], 2).Should().Equal(0.5f, 0.5f);
        FluentActions.Invoking(() => OnnxDigitModel.Softmax([1f, 2f, 3f], 2)).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Dispose_ThenScoring_Throws()
    {
        using var dir = new TempDirectory();
        using var model = TestData.SmallModel();
        var path = dir.File("m.onnx");
        OnnxExporter.Export(model, Stats, "1", path);
        var onnx = OnnxDigitModel.Load(path);
        onnx.Dispose();
        onnx.Dispose();
        FluentActions.Invoking(() => onnx.Logits(TestData.Strided(0, 1))).Should().Throw<ObjectDisposedException>();
    }
}
