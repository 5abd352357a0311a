using System.Text;
using DigitForge.Data;
using DigitForge.Training.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace DigitForge.Inference.Tests;

[Trait("Category", "Unit")]
public sealed class OnnxExportTests
{
    private static readonly NormalizationStats Stats = new(0.13066047740239506, 0.30810780385646266);

    [Fact]
    public void Export_WritesIrVersion8Opset17AndProducer()
    {
        using var model = TestData.SmallModel();
        var fields = OnnxBytes.Read(OnnxExporter.ToBytes(model, Stats, "1.0.0"));

        fields.Single(f => f.Number == OnnxBytes.IrVersionField).Varint.Should().Be(8);
        OnnxBytes.Text(fields.Single(f => f.Number == OnnxBytes.ProducerNameField)).Should().Be("DigitForge");
        var opset = OnnxBytes.Read(fields.Single(f => f.Number == OnnxBytes.OpsetImportField).Bytes);
        opset.Single(f => f.Number == 2).Varint.Should().Be(17);
        (OnnxExporter.IrVersion, OnnxExporter.OpsetVersion).Should().Be((8L, 17L));
    }

    [Fact]
    public void Export_LoadsInOnnxRuntimeWithSymbolicBatchAndNamedInputOutput()
    {
        using var dir = new TempDirectory();
        using var model = TestData.SmallModel();
        var path = dir.File("small.onnx");
        OnnxExporter.Export(model, Stats, "1.0.0", path);

        using var session = new InferenceSession(path);
        var input = session.InputMetadata.Should().ContainSingle().Which;
        input.Key.Should().Be("input");
        input.Value.Dimensions.Should().Equal(-1, 1, 28, 28);
        input.Value.SymbolicDimensions[0].Should().Be("batch");
        var output = session.OutputMetadata.Should().ContainSingle().Which;
        output.Key.Should().Be("logits");
        output.Value.Dimensions.Should().Equal(-1, 10);
        output.Value.SymbolicDimensions[0].Should().Be("batch");
    }

    [Fact]
    public void Metadata_RoundTripsThroughOnnxRuntime()
    {
        using var dir = new TempDirectory();
        using var model = TestData.SmallModel();
        var path = dir.File("meta.onnx");
        OnnxExporter.Export(model, Stats, "2024.06.01-rc.3", path);

        using var onnx = OnnxDigitModel.Load(path);
        onnx.Version.Should().Be("2024.06.01-rc.3");
        onnx.Normalization.Should().Be(Stats, "mean and std are written in round-trip format");
        onnx.Labels.Should().Equal("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        (onnx.Rows, onnx.Columns, onnx.Classes).Should().Be((28, 28, 10));
        onnx.Metadata.InputShape.Should().Equal(1, 28, 28);
        onnx.ProducerName.Should().Be("DigitForge");
        onnx.Path.Should().Be(Path.GetFullPath(path));
        onnx.Properties.Should().Contain(new KeyValuePair<string, string>(OnnxMetadataKeys.InputShape, "1,28,28"))
            .And.Contain(new KeyValuePair<string, string>(OnnxMetadataKeys.Labels, "0,1,2,3,4,5,6,7,8,9"))
            .And.Contain(new KeyValuePair<string, string>(OnnxMetadataKeys.Architecture, "DigitCnn"));
    }

    [Fact]
    public void Export_IsByteDeterministic_ForTheSameWeights()
    {
        using var dir = new TempDirectory();
        using var model = TestData.SmallModel(seed: 5);
        var first = dir.File("a.onnx");
        var second = dir.File("b.onnx");
        OnnxExporter.Export(model, Stats, "7", first);
        OnnxExporter.Export(model, Stats, "7", second);
        File.ReadAllBytes(first).Should().Equal(File.ReadAllBytes(second));

        // The same weights through a save/load round trip into a fresh module: same bytes.
        var weights = dir.File("small.weights");
        model.save(weights);
        using var reloaded = TestData.LoadCnn(model.Config, weights);
        OnnxExporter.ToBytes(reloaded, Stats, "7").Should().Equal(File.ReadAllBytes(first));

        // Overwriting in place is atomic and leaves no temporary files behind.
        OnnxExporter.Export(reloaded, Stats, "7", first);
        Directory.GetFiles(dir.Path).Select(Path.GetFileName).Should().BeEquivalentTo("a.onnx", "b.onnx", "small.weights");

        // Anything that changes the content changes the bytes.
        OnnxExporter.ToBytes(model, Stats, "8").Should().NotEqual(File.ReadAllBytes(first));
        using var other = TestData.SmallModel(seed: 6);
        OnnxExporter.ToBytes(other, Stats, "7").Should().NotEqual(File.ReadAllBytes(first));
    }

    [Theory]
    [InlineData(7, 3, 3, 2)]
    [InlineData(6, 3, 2, 2)]
    [InlineData(9, 3, 3, 3)]
    [InlineData(4, 1, 4, 4)]
    [InlineData(3, 3, 1, 1)]
    [InlineData(10, 3, 4, 3)]
    public void AdaptivePool_ExactSizes_MapToAveragePool(int input, int output, int kernel, int stride) =>
        OnnxExporter.MapAdaptiveAvgPool("pool3", input, output).Should().Be(new AveragePoolWindow(kernel, stride));

    [Theory]
    [InlineData(5, 3)]
    [InlineData(8, 3)]
    [InlineData(11, 3)]
    [InlineData(1, 3)]
    [InlineData(2, 3)]
    public void AdaptivePool_InexactSizes_AreRefusedNamingTheLayer(int input, int output)
    {
        var act = () => OnnxExporter.MapAdaptiveAvgPool("pool3", input, output);
        act.Should().Throw<OnnxExportException>()
            .WithMessage($"*'pool3'*{input} to {output}*Refusing to approximate*");
    }

    [Fact]
    public void AdaptivePool_EveryAcceptedMapping_EqualsTorchSharpsAdaptivePool()
    {
        // Whatever MapAdaptiveAvgPool accepts must be numerically what libtorch's adaptive pool computes.
        using var scope = TorchSharp.torch.NewDisposeScope();
        TorchSharp.torch.manual_seed(3);
        var accepted = 0;
        for (var n = 1; n <= 16; n++)
        {
            var x = TorchSharp.torch.randn(2, 3, n, n);
            for (var o = 1; o <= 5; o++)
            {
                AveragePoolWindow window;
                try
                {
                    window = OnnxExporter.MapAdaptiveAvgPool("pool", n, o);
                }
                catch (OnnxExportException)
                {
                    continue;
                }

                accepted++;
                var adaptive = TorchSharp.torch.nn.functional.adaptive_avg_pool2d(x, [o, o]);
                var average = TorchSharp.torch.nn.functional.avg_pool2d(x, [window.Kernel, window.Kernel], [window.Stride, window.Stride]);
                average.shape.Should().Equal(adaptive.shape, $"{n} -> {o}");
                (average - adaptive).abs().max().item<float>().Should().BeLessThan(1e-6f, $"{n} -> {o} as kernel {window.Kernel}, stride {window.Stride}");
            }
        }

        accepted.Should().BeGreaterThan(20);
    }

    [Fact]
    public void Export_ImageSizeGivingAnInexactAdaptivePool_IsRefusedAndWritesNothing()
    {
        using var dir = new TempDirectory();
        using var model = TestData.SmallModel();
        var path = dir.File("bad.onnx");

        // 20x20 images: 20 -> pool1 10 -> pool2 5 -> conv3 5x5, and 5 -> 3 has bins [0,2) [1,4) [3,5).
        var act = () => OnnxExporter.Export(model, Stats, "1", path, rows: 20, columns: 20);
        act.Should().Throw<OnnxExportException>()
            .WithMessage("*'pool3'*AdaptiveAvgPool2d*5x5*20x20*");
        Directory.GetFiles(dir.Path).Should().BeEmpty();

        // 24x24 gives 6x6, which is exact (kernel 2, stride 2), so it exports.
        OnnxExporter.ToBytes(model, Stats, "1", rows: 24, columns: 24).Should().NotBeEmpty();
    }

    [Fact]
    public void Export_RejectsBadArguments()
    {
        using var model = TestData.SmallModel();
        FluentActions.Invoking(() => OnnxExporter.ToBytes(model, Stats, " ")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => OnnxExporter.ToBytes(model, new NormalizationStats(0.1, 0), "1")).Should().Throw<ArgumentException>().WithMessage("*std*");
        FluentActions.Invoking(() => OnnxExporter.ToBytes(model, new NormalizationStats(double.NaN, 0.3), "1")).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Export_GraphHasTheDocumentedNodes()
    {
        using var model = TestData.SmallModel(batchNorm: true);
        var text = Encoding.UTF8.GetString(OnnxExporter.ToBytes(model, Stats, "1"));
        foreach (var op in new[] { "Conv", "BatchNormalization", "Relu", "MaxPool", "AveragePool", "Flatten", "Gemm" })
        {
            text.Should().Contain(op);
        }

        text.Should().NotContain("Dropout");
    }
}
