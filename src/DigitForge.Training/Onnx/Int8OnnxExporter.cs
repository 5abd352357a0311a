using DigitForge.Engine.Storage;
using System.Globalization;
using DigitForge.Data;
using DigitForge.Inference;
using DigitForge.Training.Model;
using Microsoft.ML.OnnxRuntime;

namespace DigitForge.Training.Onnx;

/// <summary>
/// Writes a <see cref="DigitCnn"/> as a statically quantized int8 ONNX model in QDQ form, the layout
/// ONNX Runtime's graph optimiser fuses into integer kernels (QLinearConv, QLinearAveragePool, QGemm).
/// ONNX Runtime's own quantizer is Python only, so this is ours.
/// </summary>
/// <remarks>
/// <para>It starts from <see cref="OnnxExporter"/>'s checked float graph (same input, output, metadata,
/// so <see cref="OnnxDigitModel"/> loads either), then:</para>
/// <para>1. folds every BatchNormalization into the Conv before it: W' = W·γ/√(σ²+ε),
/// b' = (b − μ)·γ/√(σ²+ε) + β, computed in double;</para>
/// <para>2. calibrates activation ranges by running that folded float graph in ONNX Runtime on the
/// calibration images (<see cref="CalibrationSample"/>: a fixed stride through the training split)
/// and keeping each value's min and max. Plain min/max, not a percentile: it clips nothing the
/// calibration images produce and is simple to reproduce; the parity check at promote decides whether
/// it was good enough;</para>
/// <para>3. quantizes conv2, conv3 and fc1..fc3: their activation inputs to uint8 per tensor (asymmetric;
/// after Relu the zero point is 0, which makes the Relu redundant so ONNX Runtime drops it), their
/// weights to int8 per output channel (axis 0, symmetric, zero point 0, range ±127), their biases to
/// int32 with scale input scale × weight scale, as ONNX Runtime's QLinearConv/QGemm fusion requires.
/// A QuantizeLinear → DequantizeLinear pair follows each such activation; MaxPool after one reuses its
/// parameters so ONNX Runtime pools uint8. U8S8 is ONNX Runtime's preferred x86 integer path.</para>
/// <para>Float on purpose, measured with ONNX Runtime's profiler on the default model: the first block
/// (conv1 on the 1-channel input, its pool; QLinearConv there was 2.4x slower than the float Conv, a
/// uint8 NCHW MaxPool 4x slower than the float one) and the average pool (QLinearAveragePool was 18x
/// slower than AveragePool). See docs/int8.md.</para>
/// <para>The logits stay float (the last Gemm has no QuantizeLinear after it). Output is deterministic:
/// the same weights and calibration images give the same bytes.</para>
/// </remarks>
public static class Int8OnnxExporter
{
    /// <summary>What <see cref="OnnxMetadataKeys.Precision"/> says of this exporter's models.</summary>
    public const string Precision = OnnxModelMetadata.Int8Precision;

    /// <summary>Training images calibration reads by default.</summary>
    public const int DefaultCalibrationImages = 1000;

    private const int CalibrationBatch = 250;

    /// <summary>Exports <paramref name="model"/> quantized to <paramref name="path"/>, written atomically.</summary>
    public static void Export(DigitCnn model, NormalizationStats stats, string version, LabelledImages calibration, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ToBytes(model, stats, version, calibration);
        AtomicFile.WriteAllBytes(Path.GetFullPath(path), bytes);
    }

    /// <summary>The serialised int8 model (what <see cref="Export"/> writes); its input size is the calibration images'.</summary>
    public static byte[] ToBytes(DigitCnn model, NormalizationStats stats, string version, LabelledImages calibration)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        if (calibration.Count == 0)
        {
            throw new ArgumentException("Calibration needs at least one image.", nameof(calibration));
        }

        var folded = Folded(model, stats, version, calibration.Rows, calibration.Columns);
        var ranges = Calibrate(folded, stats, calibration);
        return OnnxProtoEncoder.Encode(Quantize(folded, ranges));
    }

    /// <summary>
    /// <paramref name="count"/> images of <paramref name="train"/> at a fixed stride (0, n/count, 2n/count, ...):
    /// the training split is shuffled once when it is made, so a stride is a representative sample,
    /// and it is the same images for the same split on every run.
    /// </summary>
    public static LabelledImages CalibrationSample(LabelledImages train, int count = DefaultCalibrationImages)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var taken = Math.Min(count, train.Count);
        return train.Subset([.. Enumerable.Range(0, taken).Select(i => (int)((long)i * train.Count / taken))]);
    }

    /// <summary>The float graph with every BatchNormalization folded into its Conv (what gets quantized).</summary>
    internal static OnnxModelDefinition Folded(DigitCnn model, NormalizationStats stats, string version, int rows, int columns)
    {
        var definition = OnnxExporter.Definition(model, stats, version, rows, columns);
        var initializers = definition.Initializers.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var nodes = new List<OnnxNode>();
        foreach (var node in definition.Nodes)
        {
            if (node.OpType != "BatchNormalization")
            {
                nodes.Add(node);
                continue;
            }

            var conv = nodes[^1];
            if (conv.OpType != "Conv" || conv.Outputs[0] != node.Inputs[0])
            {
                throw new OnnxExportException($"Layer '{node.Name}' does not follow a convolution; it cannot be folded.");
            }

            var epsilon = node.Attributes.Single(a => a.Name == "epsilon").FloatValue;
            var (gamma, beta, mean, variance) = (initializers[node.Inputs[1]].Floats, initializers[node.Inputs[2]].Floats, initializers[node.Inputs[3]].Floats, initializers[node.Inputs[4]].Floats);
            var weight = initializers[conv.Inputs[1]];
            var perChannel = weight.Floats.Length / gamma.Length;
            var bias = conv.Inputs.Count > 2 ? initializers[conv.Inputs[2]].Floats : new float[gamma.Length];
            var foldedWeight = new float[weight.Floats.Length];
            var foldedBias = new float[gamma.Length];
            for (var c = 0; c < gamma.Length; c++)
            {
                var factor = gamma[c] / Math.Sqrt((double)variance[c] + epsilon);
                for (var k = 0; k < perChannel; k++)
                {
                    foldedWeight[(c * perChannel) + k] = (float)(weight.Floats[(c * perChannel) + k] * factor);
                }

                foldedBias[c] = (float)(((bias[c] - (double)mean[c]) * factor) + beta[c]);
            }

            foreach (var input in node.Inputs.Skip(1).Concat(conv.Inputs.Skip(1)))
            {
                initializers.Remove(input);
            }

            var weightName = conv.Name + ".weight";
            var biasName = conv.Name + ".bias";
            initializers[weightName] = new OnnxInitializer(weightName, weight.Dims, foldedWeight);
            initializers[biasName] = new OnnxInitializer(biasName, [gamma.Length], foldedBias);
            nodes[^1] = conv with { Inputs = [conv.Inputs[0], weightName, biasName], Outputs = node.Outputs };
        }

        // Initializers in first-use order, so the bytes do not depend on dictionary order.
        var used = nodes.SelectMany(n => n.Inputs).Where(initializers.ContainsKey).Distinct(StringComparer.Ordinal);
        return definition with { Nodes = nodes, Initializers = [.. used.Select(name => initializers[name])] };
    }

    /// <summary>Min and max of every intermediate value of the folded float graph over the calibration images.</summary>
    internal static IReadOnlyDictionary<string, (float Min, float Max)> Calibrate(OnnxModelDefinition folded, NormalizationStats stats, LabelledImages images)
    {
        var observed = folded.Nodes.Select(n => n.Outputs[0]).Where(name => name != OnnxExporter.OutputName).ToArray();
        var probe = folded with { Outputs = [.. observed.Select(name => new OnnxValueInfo(name, null))] };
        var ranges = observed.ToDictionary(name => name, _ => (Min: float.PositiveInfinity, Max: float.NegativeInfinity), StringComparer.Ordinal);
        var pixel = Enumerable.Range(0, 256).Select(p => (float)((p / 255.0 - stats.Mean) / stats.Std)).ToArray();

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        using var session = new InferenceSession(OnnxProtoEncoder.Encode(probe), options);
        using var run = new RunOptions();
        for (var start = 0; start < images.Count; start += CalibrationBatch)
        {
            var count = Math.Min(CalibrationBatch, images.Count - start);
            var input = images.Pixels.AsSpan(start * images.PixelsPerImage, count * images.PixelsPerImage).ToArray().Select(p => pixel[p]).ToArray();
            using var value = OrtValue.CreateTensorValueFromMemory(input, [count, 1, images.Rows, images.Columns]);
            using var outputs = session.Run(run, [OnnxExporter.InputName], [value], observed);
            for (var i = 0; i < observed.Length; i++)
            {
                var (min, max) = ranges[observed[i]];
                foreach (var v in outputs[i].GetTensorDataAsSpan<float>())
                {
                    (min, max) = (Math.Min(min, v), Math.Max(max, v));
                }

                ranges[observed[i]] = (min, max);
            }
        }

        return ranges;
    }

    /// <summary>The QDQ graph of <paramref name="folded"/> with the calibrated <paramref name="ranges"/>.</summary>
    internal static OnnxModelDefinition Quantize(OnnxModelDefinition folded, IReadOnlyDictionary<string, (float Min, float Max)> ranges)
    {
        var graph = new QdqBuilder(folded.Initializers);
        var chain = FloatBlockPoolsFirst(folded.Nodes);
        for (var i = 0; i < chain.Count; i++)
        {
            graph.Add(chain[i], i + 1 < chain.Count ? chain[i + 1] : null, ranges);
        }

        return folded with
        {
            DocString = "DigitForge DigitCnn, int8 QDQ (batch norm folded, per-channel weights, calibrated activations): normalised [batch,1,H,W] images to class logits.",
            Nodes = graph.Nodes,
            Initializers = graph.Initializers,
            Metadata = [.. folded.Metadata, new(OnnxMetadataKeys.Precision, Precision)],
        };
    }

    /// <summary>
    /// The first block (Conv on the graph input, Relu, MaxPool) as Conv, MaxPool, Relu: the same values
    /// (max pooling and Relu commute), but the QuantizeLinear then follows a Relu, which ONNX Runtime
    /// folds into it; after a MaxPool, ONNX Runtime would move it above the pool and pool uint8 in
    /// NCHW, far slower than its float pool.
    /// </summary>
    private static List<OnnxNode> FloatBlockPoolsFirst(IReadOnlyList<OnnxNode> nodes)
    {
        var chain = nodes.ToList();
        if (chain is [{ OpType: "Conv" } conv, { OpType: "Relu" } relu, { OpType: "MaxPool" } pool, ..] && conv.Inputs[0] == OnnxExporter.InputName)
        {
            chain[1] = pool with { Inputs = conv.Outputs, Outputs = relu.Outputs };
            chain[2] = relu with { Inputs = relu.Outputs, Outputs = pool.Outputs };
        }

        return chain;
    }

    /// <summary>Emits the quantized nodes, keeping each activation's dequantized name and its parameters.</summary>
    private sealed class QdqBuilder(IReadOnlyList<OnnxInitializer> floatInitializers)
    {
        private readonly Dictionary<string, OnnxInitializer> weights = floatInitializers.ToDictionary(i => i.Name, StringComparer.Ordinal);
        private readonly Dictionary<string, QuantizedValue> activations = new(StringComparer.Ordinal);
        private readonly List<OnnxNode> nodes = [];
        private readonly List<OnnxInitializer> initializers = [];
        private bool afterIntegerKernel;

        public IReadOnlyList<OnnxNode> Nodes => nodes;

        public IReadOnlyList<OnnxInitializer> Initializers => initializers;

        public void Add(OnnxNode node, OnnxNode? next, IReadOnlyDictionary<string, (float Min, float Max)> ranges)
        {
            var output = node.Outputs[0];
            if (node.OpType != "Relu" && activations.TryGetValue(node.Inputs[0], out var input))
            {
                List<string> inputs = [input.Dequantized];
                if (node.OpType is "Conv" or "Gemm")
                {
                    inputs.Add(Weight(node.Inputs[1], out var weightScales));
                    if (node.Inputs.Count > 2)
                    {
                        inputs.Add(Bias(node.Inputs[2], input.Scale, weightScales));
                    }
                }

                nodes.Add(node with { Inputs = inputs });
                afterIntegerKernel = node.OpType is "Conv" or "Gemm";
                if (node.OpType == "MaxPool")
                {
                    // The input's parameters, so ONNX Runtime drops the pair and pools uint8 directly.
                    QDQ(output, input.Scale, input.ScaleName, input.ZeroPointName);
                }

                return;
            }

            // Float: the first convolution block (conv1, Relu, MaxPool; with one input channel ONNX Runtime's
            // QLinearConv is slower than its float Conv, and its NCHW uint8 MaxPool slower than the float one),
            // AveragePool and Flatten (QLinearAveragePool is slower than the float AveragePool too), and each Relu
            // after an integer kernel (the QuantizeLinear after it, zero point 0, clips as it does).
            nodes.Add(node);
            initializers.AddRange(node.Inputs.Skip(1).Select(name => weights[name]));
            if ((node.OpType == "Relu" && afterIntegerKernel) || next?.OpType is "Conv" or "Gemm")
            {
                var (min, max) = ranges[output];
                QuantizeActivation(output, min, max);
            }

            afterIntegerKernel = false;
        }

        /// <summary>uint8, asymmetric over [min(0, min), max(0, max)]; after Relu the zero point is 0.</summary>
        private void QuantizeActivation(string name, float min, float max)
        {
            var (low, high) = (Math.Min(0.0, min), Math.Max(0.0, max));
            var scale = high > low ? (float)((high - low) / byte.MaxValue) : 1f;
            var zeroPoint = (byte)Math.Clamp(Math.Round(-low / scale, MidpointRounding.ToEven), 0, byte.MaxValue);
            var scaleName = name + "_scale";
            var zeroPointName = name + "_zero_point";
            initializers.Add(OnnxInitializer.Scalar(scaleName, scale));
            initializers.Add(OnnxInitializer.Scalar(zeroPointName, zeroPoint));
            QDQ(name, scale, scaleName, zeroPointName);
        }

        private void QDQ(string name, float scale, string scaleName, string zeroPointName)
        {
            var quantized = name + "_quantized";
            var dequantized = name + "_dequantized";
            nodes.Add(new OnnxNode(name + "_QuantizeLinear", "QuantizeLinear", [name, scaleName, zeroPointName], [quantized], []));
            nodes.Add(new OnnxNode(name + "_DequantizeLinear", "DequantizeLinear", [quantized, scaleName, zeroPointName], [dequantized], []));
            activations[name] = new QuantizedValue(dequantized, scale, scaleName, zeroPointName);
        }

        /// <summary>int8 symmetric per output channel (axis 0 of a Conv's [out, in, kh, kw] and a Gemm's [out, in] with transB).</summary>
        private string Weight(string name, out float[] scales)
        {
            var weight = weights[name];
            var channels = (int)weight.Dims[0];
            var perChannel = weight.Floats.Length / channels;
            scales = new float[channels];
            var quantized = new sbyte[weight.Floats.Length];
            for (var c = 0; c < channels; c++)
            {
                var row = weight.Floats.AsSpan(c * perChannel, perChannel);
                var largest = 0f;
                foreach (var v in row)
                {
                    largest = Math.Max(largest, Math.Abs(v));
                }

                scales[c] = largest > 0 ? largest / 127f : 1f;
                for (var k = 0; k < perChannel; k++)
                {
                    quantized[(c * perChannel) + k] = (sbyte)Math.Clamp(Math.Round(row[k] / scales[c], MidpointRounding.ToEven), -127, 127);
                }
            }

            initializers.Add(OnnxInitializer.Int8(name + "_quantized", weight.Dims, quantized));
            initializers.Add(new OnnxInitializer(name + "_scale", [channels], scales));
            initializers.Add(OnnxInitializer.Int8(name + "_zero_point", [channels], new sbyte[channels]));
            return Dequantize(name, axis: 0);
        }

        /// <summary>int32 with scale input scale × weight scale per channel (zero point 0).</summary>
        private string Bias(string name, float inputScale, float[] weightScales)
        {
            var bias = weights[name].Floats;
            var scales = weightScales.Select(s => inputScale * s).ToArray();
            var quantized = bias.Select((b, c) => (int)Math.Clamp(Math.Round(b / (double)scales[c], MidpointRounding.ToEven), int.MinValue, int.MaxValue)).ToArray();
            initializers.Add(OnnxInitializer.Int32(name + "_quantized", [bias.Length], quantized));
            initializers.Add(new OnnxInitializer(name + "_scale", [bias.Length], scales));
            initializers.Add(OnnxInitializer.Int32(name + "_zero_point", [bias.Length], new int[bias.Length]));
            return Dequantize(name, axis: 0);
        }

        private string Dequantize(string name, long axis)
        {
            var output = name + "_dequantized";
            nodes.Add(new OnnxNode(name + "_DequantizeLinear", "DequantizeLinear", [name + "_quantized", name + "_scale", name + "_zero_point"], [output], [OnnxAttribute.Int("axis", axis)]));
            return output;
        }
    }

    /// <summary>An activation's dequantized name and its quantization parameters (values and initializer names).</summary>
    private readonly record struct QuantizedValue(string Dequantized, float Scale, string ScaleName, string ZeroPointName);

    /// <summary>A short description of the calibration for records and logs.</summary>
    public static string DescribeCalibration(LabelledImages calibration) => string.Create(
        CultureInfo.InvariantCulture,
        $"min/max of each activation over {calibration.Count} training images (fixed stride)");
}
