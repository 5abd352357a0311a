using DigitForge.Data;
using DigitForge.Training.Onnx;

namespace DigitForge.Inference.Tests;

/// <summary>Scoring from the caller's own buffers (what the batch scoring tool uses), and the
/// session that sleeps between runs instead of spinning.</summary>
[Trait("Category", "Unit")]
public sealed class OnnxDigitModelBufferTests : IDisposable
{
    private static readonly NormalizationStats Stats = new(0.1307, 0.3081);
    private readonly TempDirectory dir = new();
    private readonly string path;

    public OnnxDigitModelBufferTests()
    {
        using var model = TestData.SmallModel();
        path = dir.File("m.onnx");
        OnnxExporter.Export(model, Stats, "1", path);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    public void LogitsIntoBuffer_EqualTheArrayOverload_AtAnyBatchSize(int batchSize)
    {
        using var reference = OnnxDigitModel.Load(path, intraOpThreads: 1);
        using var sleeping = OnnxDigitModel.Load(path, intraOpThreads: 2, spinWhenIdle: false);
        var images = TestData.Strided(offset: 1, count: 30);
        var logits = new float[30 * 10];

        sleeping.Logits(images.Pixels, logits, batchSize);

        logits.Should().Equal(reference.Logits(images, batchSize: 30));
    }

    [Fact]
    public void LogitsIntoBuffer_WrongSizes_AreRejectedSayingWhy()
    {
        using var onnx = OnnxDigitModel.Load(path, intraOpThreads: 1);

        FluentActions.Invoking(() => onnx.Logits(new byte[(2 * 784) + 5], new float[20])).Should().Throw<ArgumentException>().WithMessage("1573 pixels are not whole 28x28 images.*");
        FluentActions.Invoking(() => onnx.Logits(new byte[2 * 784], new float[10])).Should().Throw<ArgumentException>().WithMessage("2 images need 20 logits, got room for 10.*");
    }

    public void Dispose() => dir.Dispose();
}
