using DigitForge.Training.Onnx;
using Google.Protobuf;

namespace DigitForge.Inference.Tests;

/// <summary>
/// The int8 export against the arithmetic of ONNX Runtime's x86 U8S8 kernels without VNNI: VPMADDUBSW
/// multiplies uint8 activations by int8 weights and adds each PAIR of products in saturating int16, then
/// VPMADDWD adds the pairs in int32. A pair that leaves [-32768, 32767] is clipped, so such a CPU would
/// compute other sums than VNNI's or ARM64's exact int32 ones. Read from the exported bytes, not from the
/// exporter's own state.
/// </summary>
[Trait("Category", "Unit")]
[Collection(TrainedModelsCollection.Name)]
public sealed class Int8SaturationTests(TrainedModels models)
{
    private const byte MaxActivation = byte.MaxValue;

    // TensorProto.DataType values from onnx.proto.
    private const int UInt8 = 2;
    private const int Int8 = 3;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void IntegerLayers_HaveUint8InputsAndWeightsNoProductPairCanSaturate(bool batchNorm)
    {
        var layers = IntegerLayers(Export(batchNorm));

        layers.Select(l => l.OpType).Should().Equal(["Conv", "Conv", "Conv", "Gemm", "Gemm", "Gemm"], "conv1 (phase-split), conv2, conv3 and fc1..fc3 run on integers");
        foreach (var layer in layers)
        {
            layer.InputZeroPointType.Should().Be(UInt8, $"{layer.Name}'s activations are uint8 (U8S8)");
            var largest = layer.Weights.Max(w => Math.Abs((int)w));
            largest.Should().BeLessThanOrEqualTo(Int8OnnxExporter.MaxWeightMagnitude, layer.Name);
            (2 * MaxActivation * largest).Should().BeLessThanOrEqualTo(short.MaxValue, $"{layer.Name}: the worst pair of u8×s8 products must fit VPMADDUBSW's int16");
        }
    }

    [Fact]
    public void SaturatingPairSums_EqualExactSums_OnEveryExportedLayer()
    {
        foreach (var layer in IntegerLayers(Export(batchNorm: true)))
        {
            WorstCaseRowsThatSaturate(layer.Weights, layer.RowLength).Should().Be(0, $"{layer.Name}: every row's sums must be exact on AVX2");
        }
    }

    [Fact]
    public void SaturatingPairSums_DifferFromExactSums_WithFullRangeWeights()
    {
        // The same fc1, quantized as the export did before the bound (±127 per channel): the check above can fail.
        using var model = TestData.LoadCnn(models.WithBatchNorm.Config, models.WithBatchNorm.WeightsPath);
        var folded = Int8OnnxExporter.Folded(model, models.Normalization, "1", 28, 28);
        var fc1 = folded.Nodes.First(n => n.OpType == "Gemm");
        var weight = folded.Initializers.Single(i => i.Name == fc1.Inputs[1]);
        var rowLength = (int)weight.Dims[1];
        var fullRange = new sbyte[weight.Floats.Length];
        for (var start = 0; start < fullRange.Length; start += rowLength)
        {
            var row = weight.Floats.AsSpan(start, rowLength);
            var scale = AbsMax(row) / 127f;
            for (var k = 0; k < rowLength; k++)
            {
                fullRange[start + k] = (sbyte)Math.Round(row[k] / scale, MidpointRounding.ToEven);
            }
        }

        WorstCaseRowsThatSaturate(fullRange, rowLength).Should().BeGreaterThan(0);
    }

    /// <summary>An integer Conv or Gemm: its int8 weights (rows of <see cref="RowLength"/>, one per output channel) and its input's zero-point type.</summary>
    private sealed record IntegerLayer(string Name, string OpType, sbyte[] Weights, int RowLength, int InputZeroPointType);

    private byte[] Export(bool batchNorm)
    {
        var network = batchNorm ? models.WithBatchNorm : models.WithoutBatchNorm;
        using var model = TestData.LoadCnn(network.Config, network.WeightsPath);
        return Int8OnnxExporter.ToBytes(model, models.Normalization, "1", TestData.Strided(offset: 0, count: 500));
    }

    private static float AbsMax(ReadOnlySpan<float> values)
    {
        var largest = 0f;
        foreach (var v in values)
        {
            largest = Math.Max(largest, Math.Abs(v));
        }

        return largest;
    }

    /// <summary>
    /// How many rows give a different sum with saturating int16 pairs than exactly, for each row's worst inputs:
    /// 255 where the weight is positive (the largest positive pairs), then 255 where it is negative (the largest negative ones).
    /// </summary>
    private static int WorstCaseRowsThatSaturate(sbyte[] weights, int rowLength)
    {
        var saturated = 0;
        var activations = new byte[rowLength];
        for (var start = 0; start < weights.Length; start += rowLength)
        {
            var row = weights.AsSpan(start, rowLength);
            foreach (var sign in new[] { 1, -1 })
            {
                for (var k = 0; k < rowLength; k++)
                {
                    activations[k] = Math.Sign(row[k]) == sign ? MaxActivation : (byte)0;
                }

                saturated += SaturatingPairSum(activations, row) != ExactSum(activations, row) ? 1 : 0;
            }
        }

        return saturated;
    }

    /// <summary>VPMADDUBSW then VPMADDWD with ones: adjacent u8×s8 products added in saturating int16, the pairs in int32.</summary>
    private static int SaturatingPairSum(ReadOnlySpan<byte> activations, ReadOnlySpan<sbyte> weights)
    {
        var sum = 0;
        for (var k = 0; k < activations.Length; k += 2)
        {
            var pair = (activations[k] * weights[k]) + (k + 1 < activations.Length ? activations[k + 1] * weights[k + 1] : 0);
            sum += Math.Clamp(pair, short.MinValue, short.MaxValue);
        }

        return sum;
    }

    /// <summary>What VNNI (VPDPBUSDS) and ARM64 compute: every product added in int32.</summary>
    private static int ExactSum(ReadOnlySpan<byte> activations, ReadOnlySpan<sbyte> weights)
    {
        var sum = 0;
        for (var k = 0; k < activations.Length; k++)
        {
            sum += activations[k] * weights[k];
        }

        return sum;
    }

    /// <summary>
    /// Every Conv and Gemm of the QDQ graph whose weight (input 1) is a DequantizeLinear of an int8 initializer,
    /// in graph order, read with plain protobuf field numbers from onnx.proto.
    /// </summary>
    private static List<IntegerLayer> IntegerLayers(byte[] model)
    {
        var graph = OnnxBytes.Read(OnnxBytes.Read(model).Single(f => f.Number == OnnxBytes.GraphField).Bytes);
        var tensors = graph.Where(f => f.Number == 5).Select(f => ReadTensor(f.Bytes)).ToDictionary(t => t.Name);
        var nodes = graph.Where(f => f.Number == 1).Select(f => ReadNode(f.Bytes)).ToList();
        var dequantizedFrom = nodes.Where(n => n.OpType == "DequantizeLinear").ToDictionary(n => n.Outputs[0]);

        var layers = new List<IntegerLayer>();
        foreach (var node in nodes.Where(n => n.OpType is "Conv" or "Gemm"))
        {
            var weight = tensors[dequantizedFrom[node.Inputs[1]].Inputs[0]];
            weight.DataType.Should().Be(Int8, $"{node.Name}'s weight {weight.Name}");
            var inputZeroPoint = tensors[dequantizedFrom[node.Inputs[0]].Inputs[2]];
            var values = weight.Raw.Select(b => unchecked((sbyte)b)).ToArray();
            layers.Add(new IntegerLayer(node.Name, node.OpType, values, values.Length / (int)weight.Dims[0], inputZeroPoint.DataType));
        }

        return layers;
    }

    private sealed record Tensor(string Name, long[] Dims, int DataType, byte[] Raw);

    private sealed record Node(string Name, string OpType, List<string> Inputs, List<string> Outputs);

    private static Tensor ReadTensor(byte[] message)
    {
        var fields = OnnxBytes.Read(message);
        var dims = fields.Where(f => f.Number == 1).SelectMany(f => f.WireType == WireFormat.WireType.Varint ? [f.Varint] : PackedVarints(f.Bytes)).ToArray();
        return new Tensor(
            OnnxBytes.Text(fields.Single(f => f.Number == 8)),
            dims,
            (int)fields.Single(f => f.Number == 2).Varint,
            fields.SingleOrDefault(f => f.Number == 9)?.Bytes ?? []);
    }

    private static List<long> PackedVarints(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var values = new List<long>();
        while (!input.IsAtEnd)
        {
            values.Add(input.ReadInt64());
        }

        return values;
    }

    private static Node ReadNode(byte[] message)
    {
        var fields = OnnxBytes.Read(message);
        List<string> Strings(int number) => [.. fields.Where(f => f.Number == number).Select(OnnxBytes.Text)];
        return new Node(Strings(3).SingleOrDefault() ?? string.Empty, OnnxBytes.Text(fields.Single(f => f.Number == 4)), Strings(1), Strings(2));
    }
}
