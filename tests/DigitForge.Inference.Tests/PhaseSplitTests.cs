using DigitForge.Training.Onnx;

namespace DigitForge.Inference.Tests;

/// <summary>The phase-split form of conv1 + 2x2 max pool gives the same values, computed here by plain loops.</summary>
[Trait("Category", "Unit")]
public sealed class PhaseSplitTests
{
    [Theory]
    [InlineData(8, 8)]
    [InlineData(28, 28)]
    [InlineData(7, 9)]
    [InlineData(27, 27)]
    public void PhaseConvolution_ThenMaxOverPhases_EqualsConvolutionThenPool(int height, int width)
    {
        const int channels = 3;
        var random = new Random(height * 100 + width);
        var weight = Enumerable.Range(0, channels * 25).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var bias = Enumerable.Range(0, channels).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var image = Enumerable.Range(0, height * width).Select(_ => (float)random.NextDouble()).ToArray();
        var split = PhaseSplit.Of(Conv(), Pool(), [new("w", [channels, 1, 5, 5], weight), new("b", [channels], bias)], height, width);

        var expected = ConvThenPool(image, height, width, weight, bias, channels);
        var actual = PhaseSplitThenMax(image, height, width, split);

        split.PooledRows.Should().Be(height / 2);
        split.PooledColumns.Should().Be(width / 2);
        actual.Should().HaveCount(expected.Length);
        TestData.MaxAbsDifference(actual, expected).Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void AKernelWithOddPadding_IsRefused()
    {
        var conv = Conv() with { Attributes = [OnnxAttribute.Ints("kernel_shape", 3, 3), OnnxAttribute.Ints("pads", 1, 1, 1, 1), OnnxAttribute.Ints("strides", 1, 1), OnnxAttribute.Ints("dilations", 1, 1)] };
        var act = () => PhaseSplit.Of(conv, Pool(), [new("w", [1, 1, 3, 3], new float[9]), new("b", [1], new float[1])], 28, 28);
        act.Should().Throw<OnnxExportException>().WithMessage("*conv1*5x5 pads 2*");
    }

    private static OnnxNode Conv() => new("conv1", "Conv", ["input", "w", "b"], ["conv1_out"],
    [
        OnnxAttribute.Ints("dilations", 1, 1),
        OnnxAttribute.Int("group", 1),
        OnnxAttribute.Ints("kernel_shape", 5, 5),
        OnnxAttribute.Ints("pads", 2, 2, 2, 2),
        OnnxAttribute.Ints("strides", 1, 1),
    ]);

    private static OnnxNode Pool() => new("pool1", "MaxPool", ["conv1_out"], ["pool1_out"],
    [
        OnnxAttribute.Int("ceil_mode", 0),
        OnnxAttribute.Ints("kernel_shape", 2, 2),
        OnnxAttribute.Ints("pads", 0, 0, 0, 0),
        OnnxAttribute.Ints("strides", 2, 2),
    ]);

    /// <summary>5x5 convolution with zero padding 2, then 2x2 max pool (stride 2, rounding down): [channels, h/2, w/2].</summary>
    private static float[] ConvThenPool(float[] image, int height, int width, float[] weight, float[] bias, int channels)
    {
        float At(int y, int x) => y >= 0 && y < height && x >= 0 && x < width ? image[(y * width) + x] : 0f;
        float Conv(int c, int y, int x)
        {
            var sum = bias[c];
            for (var ky = 0; ky < 5; ky++)
            {
                for (var kx = 0; kx < 5; kx++)
                {
                    sum += weight[(c * 25) + (ky * 5) + kx] * At(y + ky - 2, x + kx - 2);
                }
            }

            return sum;
        }

        var (rows, columns) = (height / 2, width / 2);
        var output = new float[channels * rows * columns];
        for (var c = 0; c < channels; c++)
        {
            for (var i = 0; i < rows; i++)
            {
                for (var j = 0; j < columns; j++)
                {
                    output[(((c * rows) + i) * columns) + j] = Math.Max(Math.Max(Conv(c, 2 * i, 2 * j), Conv(c, 2 * i, (2 * j) + 1)), Math.Max(Conv(c, (2 * i) + 1, 2 * j), Conv(c, (2 * i) + 1, (2 * j) + 1)));
                }
            }
        }

        return output;
    }

    /// <summary>The split's convolution over the image as 2x2 blocks (4 channels, odd sides padded at the end), then the maximum over the phases.</summary>
    private static float[] PhaseSplitThenMax(float[] image, int height, int width, PhaseSplit split)
    {
        var (rows, columns, side) = (split.PhaseRows, split.PhaseColumns, (int)split.Weight.Dims[2]);
        var pads = split.ConvAttributes.Single(a => a.Name == "pads").IntsValue;
        var (top, left, bottom, right) = ((int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3]);
        float Block(int block, int r, int c)
        {
            var (y, x) = ((2 * r) + (block / 2), (2 * c) + (block % 2));
            return r >= 0 && r < rows && c >= 0 && c < columns && y < height && x < width ? image[(y * width) + x] : 0f;
        }

        var (outRows, outColumns) = (rows + top + bottom - side + 1, columns + left + right - side + 1);
        var output = new float[split.Channels * outRows * outColumns];
        Array.Fill(output, float.NegativeInfinity);
        for (var o = 0; o < 4 * split.Channels; o++)
        {
            var channel = o % split.Channels;
            for (var i = 0; i < outRows; i++)
            {
                for (var j = 0; j < outColumns; j++)
                {
                    var sum = split.Bias.Floats[o];
                    for (var block = 0; block < 4; block++)
                    {
                        for (var u = 0; u < side; u++)
                        {
                            for (var v = 0; v < side; v++)
                            {
                                sum += split.Weight.Floats[(((((o * 4) + block) * side) + u) * side) + v] * Block(block, i + u - top, j + v - left);
                            }
                        }
                    }

                    ref var pooled = ref output[(((channel * outRows) + i) * outColumns) + j];
                    pooled = Math.Max(pooled, sum);
                }
            }
        }

        return output;
    }
}
