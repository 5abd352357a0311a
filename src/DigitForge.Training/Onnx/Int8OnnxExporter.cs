using DigitForge.Engine.Storage;
using System.Numerics.Tensors;
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
/// <para>2. calibrates activation ranges (and channel means, for bias correction) by running that folded float graph in ONNX Runtime on the
/// calibration images the caller gives (promote passes a fixed stride through the training split, clean
/// and under each robustness shift) and keeping each value's min and max. Plain min/max, not a
/// percentile: it clips nothing the calibration images produce and is simple to reproduce; the parity
/// check at promote decides whether it was good enough;</para>
/// <para>3. quantizes every convolution and fc1..fc3: their activation inputs to uint8 per tensor (asymmetric;
/// after Relu the zero point is 0, which makes the Relu redundant so ONNX Runtime drops it), their
/// weights to int8 per output channel (axis 0, symmetric, zero point 0, range ±<see cref="MaxWeightMagnitude"/>),
/// their biases to int32 with scale input scale × weight scale, as ONNX Runtime's QLinearConv/QGemm fusion
/// requires, less the weights' mean rounding error on the calibration images (bias correction: 7-bit weights
/// round coarsely enough to shift outputs on average). A QuantizeLinear → DequantizeLinear pair follows each such activation; MaxPool, Reshape and
/// Transpose after one reuse its parameters so ONNX Runtime runs them on uint8. U8S8 is ONNX Runtime's
/// preferred x86 integer path.</para>
/// <para>4. rewrites the first block (conv1 on the image, Relu, 2x2 max pool) in phase-split form, see
/// <see cref="PhaseSplit"/>: on a one-channel image ONNX Runtime's integer convolution and its NCHW uint8
/// pool are slower than their float kernels, but this form runs on integer kernels in ONNX Runtime's
/// channels-last layout, which the rest of the integer graph keeps.</para>
/// <para>Float on purpose, measured with ONNX Runtime's profiler on the default model: the average pool
/// (QLinearAveragePool was 18x slower than AveragePool). See docs/int8.md.</para>
/// <para>The logits stay float (the last Gemm has no QuantizeLinear after it). Output is deterministic:
/// the same weights and calibration images give the same bytes.</para>
/// <para>Same answer on every CPU: with weights bounded by <see cref="MaxWeightMagnitude"/> no integer
/// kernel ONNX Runtime picks (AVX2 or AVX-512BW VPMADDUBSW, AVX-512 VNNI, AVX-VNNI, ARM64) saturates, so the
/// integer sums are exact and equal everywhere. What can still differ between CPUs is float rounding in the
/// float parts: requantisation (int32 sum × scale, rounded to uint8; a value on a rounding boundary can land
/// one step apart), the average pool, the flatten and the last Gemm's float output. Each moves a logit by
/// float rounding only, which changes a prediction only for an image whose two top logits are that close.</para>
/// </remarks>
public static class Int8OnnxExporter
{
    /// <summary>What <see cref="OnnxMetadataKeys.Precision"/> says of this exporter's models.</summary>
    public const string Precision = OnnxModelMetadata.Int8Precision;

    /// <summary>Training images calibration reads by default.</summary>
    public const int DefaultCalibrationImages = 1000;

    /// <summary>
    /// The largest |q| of a quantized weight (symmetric, 7 bits: [-64, 64], as ONNX Runtime's own
    /// reduce_range). On AVX2 and AVX-512 without VNNI, MLAS multiplies uint8 activations by int8 weights
    /// with VPMADDUBSW, which adds each PAIR of products in saturating int16: 2 · 255 · 64 = 32640 fits in
    /// 32767, where ±127 weights (2 · 255 · 127 = 64770) would clip. VNNI and ARM64 sum in int32, so the
    /// bound makes every path compute the same exact sums.
    /// </summary>
    public const int MaxWeightMagnitude = 64;

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
        return OnnxProtoEncoder.Encode(Quantize(folded, Calibrate(folded, stats, calibration)));
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

    /// <summary>
    /// Min and max of every intermediate value of the folded float graph over the calibration images (and the
    /// input's domain), and each intermediate value's mean per channel (axis 1, over images and positions).
    /// </summary>
    internal static Calibration Calibrate(OnnxModelDefinition folded, NormalizationStats stats, LabelledImages images)
    {
        var observed = folded.Nodes.Select(n => n.Outputs[0]).Where(name => name != OnnxExporter.OutputName).ToArray();
        var probe = folded with { Outputs = [.. observed.Select(name => new OnnxValueInfo(name, null))] };
        var ranges = observed.ToDictionary(name => name, _ => (Min: float.PositiveInfinity, Max: float.NegativeInfinity), StringComparer.Ordinal);
        var sums = new Dictionary<string, double[]>(StringComparer.Ordinal);
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
                // Vectorised, with Math.Min/Max's rules (a NaN wins, -0 is below +0): the same ranges as one value at a time.
                var values = outputs[i].GetTensorDataAsSpan<float>();
                var (min, max) = ranges[observed[i]];
                ranges[observed[i]] = (Math.Min(min, TensorPrimitives.Min(values)), Math.Max(max, TensorPrimitives.Max(values)));
                AddChannelSums(sums, observed[i], values, outputs[i].GetTensorTypeAndShape().Shape);
            }
        }

        // The image's range is what any pixel can give, not what these images gave, so none is clipped.
        ranges[OnnxExporter.InputName] = (pixel[0], pixel[^1]);
        return new Calibration(ranges, sums.ToDictionary(s => s.Key, s => s.Value.Select(sum => sum / images.Count).ToArray(), StringComparer.Ordinal));
    }

    /// <summary>Adds each channel's mean over the positions of each image of a [n, c, ...] batch to <paramref name="sums"/>.</summary>
    private static void AddChannelSums(Dictionary<string, double[]> sums, string name, ReadOnlySpan<float> values, long[] shape)
    {
        if (shape.Length < 2)
        {
            return;
        }

        var channels = (int)shape[1];
        var positions = values.Length / ((int)shape[0] * channels);
        if (!sums.TryGetValue(name, out var channelSums))
        {
            sums[name] = channelSums = new double[channels];
        }

        for (var start = 0; start < values.Length; start += positions)
        {
            channelSums[start / positions % channels] += TensorPrimitives.Sum(values.Slice(start, positions)) / (double)positions;
        }
    }

    /// <summary>The QDQ graph of <paramref name="folded"/> with the <paramref name="calibration"/>'s ranges and channel means.</summary>
    internal static OnnxModelDefinition Quantize(OnnxModelDefinition folded, Calibration calibration)
    {
        var ranges = calibration.Ranges;
        if (folded.Nodes is not [{ OpType: "Conv" } conv, { OpType: "Relu" } relu, { OpType: "MaxPool" } pool, ..] || conv.Inputs[0] != OnnxExporter.InputName
            || folded.Inputs[0].Shape is not [_, { Value: 1 }, { Value: { } height }, { Value: { } width }])
        {
            throw new OnnxExportException("The int8 exporter expects the network to start with Conv, Relu and MaxPool on a one-channel image of fixed height and width.");
        }

        var graph = new QdqBuilder(folded.Initializers, calibration.ChannelMeans);
        graph.AddFirstBlock(PhaseSplit.Of(conv, pool, folded.Initializers, (int)height, (int)width), relu.Outputs[0], pool, ranges);
        for (var i = 3; i < folded.Nodes.Count; i++)
        {
            graph.Add(folded.Nodes[i], i + 1 < folded.Nodes.Count ? folded.Nodes[i + 1] : null, ranges);
        }

        return folded with
        {
            DocString = "DigitForge DigitCnn, int8 QDQ (batch norm folded, per-channel weights, calibrated activations): normalised [batch,1,H,W] images to class logits.",
            Nodes = graph.Nodes,
            Initializers = graph.Initializers,
            Metadata = [.. folded.Metadata, new(OnnxMetadataKeys.Precision, Precision)],
        };
    }

    /// <summary>Emits the quantized nodes, keeping each activation's dequantized name and its parameters.</summary>
    private sealed class QdqBuilder(IReadOnlyList<OnnxInitializer> floatInitializers, IReadOnlyDictionary<string, double[]> channelMeans)
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
                    inputs.Add(Weight(node.Inputs[1], channelMeans.GetValueOrDefault(node.Inputs[0]), out var weightScales, out var biasCorrection));
                    if (node.Inputs.Count > 2)
                    {
                        inputs.Add(Bias(node.Inputs[2], input.Scale, weightScales, biasCorrection));
                    }
                }

                nodes.Add(node with { Inputs = inputs });
                afterIntegerKernel = node.OpType is "Conv" or "Gemm";
                if (node.OpType == "MaxPool")
                {
                    // The input's parameters, so ONNX Runtime drops the pair and pools uint8 directly.
                    QDQ(output, input);
                }

                return;
            }

            // Float: AveragePool and Flatten (QLinearAveragePool is slower than the float AveragePool), and each
            // Relu after an integer kernel (the QuantizeLinear after it, zero point 0, clips as it does).
            nodes.Add(node);
            initializers.AddRange(node.Inputs.Skip(1).Select(name => weights[name]));
            if ((node.OpType == "Relu" && afterIntegerKernel) || next?.OpType is "Conv" or "Gemm")
            {
                var (min, max) = ranges[output];
                QuantizeActivation(output, min, max);
            }

            afterIntegerKernel = false;
        }

        /// <summary>
        /// The first block in phase-split form, all on uint8: the image quantized (its range is the
        /// pixels' whole domain), rearranged space-to-depth, one convolution giving every pool phase,
        /// Relu, then the maximum over the phases as a 1x4 max pool on a reshaped view. The reshapes and
        /// transposes are written so that, with ONNX Runtime's own layout changes around its channels-last
        /// integer kernels, they cancel or cost one small uint8 transpose.
        /// </summary>
        public void AddFirstBlock(PhaseSplit block, string reluOutput, OnnxNode pool, IReadOnlyDictionary<string, (float Min, float Max)> ranges)
        {
            var image = OnnxExporter.InputName;
            if (block.PadBottom > 0 || block.PadRight > 0)
            {
                // Odd sides: one more zero row or column (float zero, which quantizes to the zero point exactly).
                var pads = Int64(block.Name + ".pads", 0, 0, 0, 0, 0, 0, block.PadBottom, block.PadRight);
                nodes.Add(new OnnxNode(block.Name + "_pad", "Pad", [image, pads], [block.Name + "_padded"], []));
                image = block.Name + "_padded";
            }

            var (low, high) = ranges[OnnxExporter.InputName];
            var pixels = QuantizeActivation(image, low, high);
            var (h, w) = (block.PhaseRows, block.PhaseColumns);
            var blocks = Reshape(block.Name + "_blocks", pixels, -1, h, 2, w, 2);
            var blocksLast = Transpose(block.Name + "_blocks_last", blocks, 0, 1, 3, 2, 4);
            var channelsLast = Reshape(block.Name + "_channels_last", blocksLast, -1, h, w, 4);
            var spaceToDepth = Transpose(block.Name + "_space_to_depth", channelsLast, 0, 3, 1, 2);

            var convOutput = block.Name + "_phase_conv";
            weights[block.WeightName] = block.Weight;
            weights[block.BiasName] = block.Bias;
            // No bias correction here: the image's channel means are not calibrated per phase, and its weights are the fewest.
            nodes.Add(new OnnxNode(convOutput, "Conv", [spaceToDepth.Dequantized, Weight(block.WeightName, null, out var weightScales, out var biasCorrection), Bias(block.BiasName, spaceToDepth.Scale, weightScales, biasCorrection)], [convOutput + "_out"], block.ConvAttributes));
            nodes.Add(new OnnxNode(block.Name + "_phase_relu", "Relu", [convOutput + "_out"], [block.Name + "_phases"], []));

            // Every phase value is a value of conv1's output, so its calibrated range after Relu is theirs.
            var (min, max) = ranges[reluOutput];
            var phases = QuantizeActivation(block.Name + "_phases", min, max);
            var pixelsLast = Transpose(block.Name + "_pixels_last", phases, 0, 2, 3, 1);
            var wide = Reshape(block.Name + "_phases_wide", pixelsLast, -1, block.PooledRows, block.PooledColumns * 4, block.Channels);
            var wideChannelsFirst = Transpose(block.Name + "_phases_wide_nchw", wide, 0, 3, 1, 2);
            nodes.Add(new OnnxNode(pool.Name, "MaxPool", [wideChannelsFirst.Dequantized], pool.Outputs,
            [
                OnnxAttribute.Int("ceil_mode", 0),
                OnnxAttribute.Ints("kernel_shape", 1, 4),
                OnnxAttribute.Ints("pads", 0, 0, 0, 0),
                OnnxAttribute.Ints("strides", 1, 4),
            ]));
            QDQ(pool.Outputs[0], phases);
        }

        private QuantizedValue Reshape(string name, QuantizedValue input, params long[] shape)
        {
            var shapeName = Int64(name + ".shape", shape);
            nodes.Add(new OnnxNode(name, "Reshape", [input.Dequantized, shapeName], [name + "_out"], []));
            return QDQ(name + "_out", input);
        }

        private QuantizedValue Transpose(string name, QuantizedValue input, params long[] permutation)
        {
            nodes.Add(new OnnxNode(name, "Transpose", [input.Dequantized], [name + "_out"], [OnnxAttribute.Ints("perm", permutation)]));
            return QDQ(name + "_out", input);
        }

        private string Int64(string name, params long[] values)
        {
            initializers.Add(OnnxInitializer.Int64(name, values));
            return name;
        }

        /// <summary>
        /// uint8, asymmetric over [min(0, min), max(0, max)], the scale nudged so that 0 is exactly the zero
        /// point's value; after Relu the zero point is 0 and nothing moves.
        /// </summary>
        /// <remarks>
        /// Only the image has a negative minimum. Its 0 (the convolution's padding, and the pixel value the
        /// normalisation's mean maps to) is grey level 33.41 of the default statistics: with a scale of exactly
        /// one grey level and zero point 33, every pixel would dequantize 0.41 grey level brighter than the
        /// padding, and that uniform shift alone changes 2.5 % of FP32's own predictions under the noise shift.
        /// A nudged scale keeps 0 and grey level 0 exact and rounds the other grey levels by at most half a step.
        /// </remarks>
        private QuantizedValue QuantizeActivation(string name, float min, float max)
        {
            var (low, high) = (Math.Min(0.0, min), Math.Max(0.0, max));
            var scale = high > low ? (float)((high - low) / byte.MaxValue) : 1f;
            var zeroPoint = (byte)Math.Clamp(Math.Round(-low / scale, MidpointRounding.ToEven), 0, byte.MaxValue);
            if (zeroPoint > 0)
            {
                scale = (float)(-low / zeroPoint);
            }

            var scaleName = name + "_scale";
            var zeroPointName = name + "_zero_point";
            initializers.Add(OnnxInitializer.Scalar(scaleName, scale));
            initializers.Add(OnnxInitializer.Scalar(zeroPointName, zeroPoint));
            return QDQ(name, new QuantizedValue(name, scale, scaleName, zeroPointName));
        }

        /// <summary>A QuantizeLinear → DequantizeLinear pair after <paramref name="name"/> with <paramref name="parameters"/>' scale and zero point.</summary>
        private QuantizedValue QDQ(string name, QuantizedValue parameters)
        {
            var quantized = name + "_quantized";
            var dequantized = name + "_dequantized";
            nodes.Add(new OnnxNode(name + "_QuantizeLinear", "QuantizeLinear", [name, parameters.ScaleName, parameters.ZeroPointName], [quantized], []));
            nodes.Add(new OnnxNode(name + "_DequantizeLinear", "DequantizeLinear", [quantized, parameters.ScaleName, parameters.ZeroPointName], [dequantized], []));
            return activations[name] = parameters with { Dequantized = dequantized };
        }

        /// <summary>
        /// int8 symmetric per output channel within ±<see cref="MaxWeightMagnitude"/> (axis 0 of a Conv's [out, in, kh, kw]
        /// and a Gemm's [out, in] with transB). With the input's calibrated channel means, <paramref name="biasCorrection"/>
        /// is each output's mean rounding error, Σ (q·scale − w)·mean of its input channel, which the bias takes back:
        /// 7-bit weights round coarsely, and without it their errors shift outputs on average (empirical bias correction).
        /// </summary>
        private string Weight(string name, double[]? inputMeans, out float[] scales, out double[] biasCorrection)
        {
            var weight = weights[name];
            var channels = (int)weight.Dims[0];
            var perChannel = weight.Floats.Length / channels;
            scales = new float[channels];
            biasCorrection = new double[channels];
            var quantized = new sbyte[weight.Floats.Length];
            for (var c = 0; c < channels; c++)
            {
                var row = weight.Floats.AsSpan(c * perChannel, perChannel);
                var largest = 0f;
                foreach (var v in row)
                {
                    largest = Math.Max(largest, Math.Abs(v));
                }

                scales[c] = largest > 0 ? largest / MaxWeightMagnitude : 1f;
                for (var k = 0; k < perChannel; k++)
                {
                    var q = (sbyte)Math.Clamp(Math.Round(row[k] / scales[c], MidpointRounding.ToEven), -MaxWeightMagnitude, MaxWeightMagnitude);
                    quantized[(c * perChannel) + k] = q;
                    if (inputMeans is not null)
                    {
                        biasCorrection[c] += ((q * (double)scales[c]) - row[k]) * inputMeans[k / (perChannel / inputMeans.Length)];
                    }
                }
            }

            initializers.Add(OnnxInitializer.Int8(name + "_quantized", weight.Dims, quantized));
            initializers.Add(new OnnxInitializer(name + "_scale", [channels], scales));
            initializers.Add(OnnxInitializer.Int8(name + "_zero_point", [channels], new sbyte[channels]));
            return Dequantize(name, axis: 0);
        }

        /// <summary>int32 with scale input scale × weight scale per channel (zero point 0), less the weights' <paramref name="correction"/>.</summary>
        private string Bias(string name, float inputScale, float[] weightScales, double[] correction)
        {
            var bias = weights[name].Floats;
            var scales = weightScales.Select(s => inputScale * s).ToArray();
            var quantized = bias.Select((b, c) => (int)Math.Clamp(Math.Round((b - correction[c]) / scales[c], MidpointRounding.ToEven), int.MinValue, int.MaxValue)).ToArray();
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

    /// <summary>What calibration measured: each value's range, and each intermediate value's mean per channel.</summary>
    internal sealed record Calibration(IReadOnlyDictionary<string, (float Min, float Max)> Ranges, IReadOnlyDictionary<string, double[]> ChannelMeans);

    /// <summary>An activation's dequantized name and its quantization parameters (values and initializer names).</summary>
    private readonly record struct QuantizedValue(string Dequantized, float Scale, string ScaleName, string ZeroPointName);
}
