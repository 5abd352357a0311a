using DigitForge.Inference;
using DigitForge.Engine.Storage;
using System.Globalization;
using System.Reflection;
using DigitForge.Data;
using DigitForge.Training.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DigitForge.Training.Onnx;

/// <summary>The AveragePool window that reproduces an adaptive average pool on one axis exactly.</summary>
public readonly record struct AveragePoolWindow(int Kernel, int Stride);

/// <summary>
/// Writes a <see cref="DigitCnn"/> as an ONNX model (our own encoder; TorchSharp has no exporter).
/// </summary>
/// <remarks>
/// <para>Format: ONNX IR version <see cref="IrVersion"/>, default-domain opset <see cref="OpsetVersion"/>.
/// Input <c>input</c> float32 [batch, 1, rows, columns] with a symbolic batch dimension; output
/// <c>logits</c> float32 [batch, 10]. The input is the normalised image, (p/255 - mean)/std; the
/// statistics travel in the metadata (<see cref="OnnxMetadataKeys"/>).</para>
/// <para>Layer mapping, following <see cref="DigitCnn.forward"/>: Conv2d → Conv (explicit pads);
/// BatchNorm2d → BatchNormalization in inference form (scale, B, running mean, running variance,
/// epsilon from the module) — kept as its own node rather than folded into the conv weights, so the
/// initializers are the state dict's tensors unchanged (ONNX Runtime fuses Conv+BatchNormalization
/// itself when graph optimisation is on); ReLU → Relu; MaxPool2d → MaxPool; AdaptiveAvgPool2d →
/// AveragePool with the kernel and stride that reproduce its bins exactly (7x7 → 3x3 is kernel 3,
/// stride 2), refused when no such window exists; Dropout and Dropout2d are omitted (identity at
/// inference); flatten → Flatten(axis 1); Linear → Gemm(transB = 1). The graph is always the
/// inference graph, whatever the module's train/eval flag.</para>
/// <para>Anything that cannot be mapped exactly (an unknown or missing layer, a stride, dilation,
/// group, padding mode or pooling setting the mapping does not cover, a non-float32 tensor, a shape
/// mismatch) throws <see cref="OnnxExportException"/> naming the layer; nothing is approximated.
/// The exporter knows DigitCnn's layer order; a change to <see cref="DigitCnn.forward"/> must be
/// mirrored here (the inference parity tests catch a mismatch).</para>
/// <para>Output is deterministic: the same weights, statistics, version and image size give the
/// same bytes (fields in a fixed order, no timestamps, floats stored as raw little-endian bits).</para>
/// </remarks>
public static class OnnxExporter
{
    public const long IrVersion = 8;
    public const long OpsetVersion = 17;
    public const string ProducerName = "DigitForge";
    public const string InputName = OnnxDigitModel.InputName;
    public const string OutputName = OnnxDigitModel.OutputName;
    public const string BatchDimension = "batch";
    public const string GraphName = "DigitCnn";
    public const int DefaultImageSide = 28;

    private static readonly string[] ConvBlocks = ["1", "2", "3"];

    /// <summary>Exports <paramref name="model"/> to <paramref name="path"/>, written atomically
    /// (a temporary file in the same folder, then renamed over the target).</summary>
    /// <param name="version">The model version recorded as <c>digitforge.version</c>.</param>
    /// <param name="rows">Image height the graph's input is fixed to.</param>
    /// <param name="columns">Image width the graph's input is fixed to.</param>
    public static void Export(DigitCnn model, NormalizationStats stats, string version, string path, int rows = DefaultImageSide, int columns = DefaultImageSide)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = ToBytes(model, stats, version, rows, columns);
        AtomicFile.WriteAllBytes(Path.GetFullPath(path), bytes);
    }

    /// <summary>The serialised ONNX model (what <see cref="Export"/> writes).</summary>
    public static byte[] ToBytes(DigitCnn model, NormalizationStats stats, string version, int rows = DefaultImageSide, int columns = DefaultImageSide) =>
        OnnxProtoEncoder.Encode(Definition(model, stats, version, rows, columns));

    /// <summary>The checked float graph <see cref="ToBytes"/> encodes; the int8 exporter starts from it.</summary>
    internal static OnnxModelDefinition Definition(DigitCnn model, NormalizationStats stats, string version, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (!double.IsFinite(stats.Mean) || !double.IsFinite(stats.Std) || !(stats.Std > 0))
        {
            throw new ArgumentException($"Normalisation needs a finite mean and a positive std, got mean {stats.Mean}, std {stats.Std}.", nameof(stats));
        }

        if (version.Any(char.IsControl))
        {
            throw new ArgumentException("The model version must not contain control characters.", nameof(version));
        }

        return BuildDefinition(model, stats, version, rows, columns);
    }

    /// <summary>
    /// The AveragePool (no padding, floor mode) equal to PyTorch's adaptive average pooling from
    /// <paramref name="inputSize"/> to <paramref name="outputSize"/> on one axis. Adaptive bin i covers
    /// [floor(i·n/o), ceil((i+1)·n/o)); the mapping is exact only when every bin has the same size k
    /// and bin i starts at i·s, e.g. 7 → 3 is kernel 3, stride 2. Throws
    /// <see cref="OnnxExportException"/> naming <paramref name="layer"/> otherwise.
    /// </summary>
    public static AveragePoolWindow MapAdaptiveAvgPool(string layer, int inputSize, int outputSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(layer);
        return TryMapAdaptiveAvgPool(inputSize, outputSize, out var window, out var reason)
            ? window
            : throw new OnnxExportException(
                $"Layer '{layer}' (AdaptiveAvgPool2d): pooling {inputSize} to {outputSize} cannot be written exactly as an ONNX AveragePool: {reason}. Refusing to approximate.");
    }

    private static bool TryMapAdaptiveAvgPool(int n, int o, out AveragePoolWindow window, out string reason)
    {
        window = default;
        if (n < 1 || o < 1)
        {
            reason = "sizes must be positive";
            return false;
        }

        static int Start(int i, int n, int o) => (int)((long)i * n / o);
        static int End(int i, int n, int o) => (int)((((long)i + 1) * n + o - 1) / o);
        var bins = Enumerable.Range(0, o).Select(i => (Start: Start(i, n, o), End: End(i, n, o))).ToArray();
        var kernel = bins[0].End - bins[0].Start;
        var stride = o > 1 ? bins[1].Start - bins[0].Start : kernel;
        var exact = stride >= 1
            && bins.Select((bin, i) => bin.Start == i * stride && bin.End - bin.Start == kernel).All(ok => ok)
            && (n - kernel) / stride + 1 == o;
        if (!exact)
        {
            reason = $"its bins {string.Join(" ", bins.Select(b => $"[{b.Start},{b.End})"))} do not all have one size and one spacing";
            return false;
        }

        window = new AveragePoolWindow(kernel, stride);
        reason = string.Empty;
        return true;
    }

    private static OnnxModelDefinition BuildDefinition(DigitCnn model, NormalizationStats stats, string version, int rows, int columns)
    {
        var layers = Layers(model);
        var graph = new GraphBuilder(rows, columns);

        using (torch.no_grad())
        {
            foreach (var block in ConvBlocks)
            {
                graph.Conv("conv" + block, Layer<Conv2d>(layers, "conv" + block));
                if (layers.ContainsKey("bn" + block))
                {
                    graph.BatchNorm("bn" + block, Layer<BatchNorm2d>(layers, "bn" + block));
                }

                graph.Relu("relu" + block);
                if (block == "3")
                {
                    graph.AdaptiveAvgPool("pool3", Layer<AdaptiveAvgPool2d>(layers, "pool3"));
                }
                else
                {
                    graph.MaxPool("pool" + block, Layer<MaxPool2d>(layers, "pool" + block));
                }

                if (block == "2")
                {
                    CheckDropout(layers, "drop2");
                }
            }

            graph.Flatten("flatten");
            graph.Linear("fc1", Layer<Linear>(layers, "fc1"));
            graph.Relu("relu_fc1");
            CheckDropout(layers, "drop_fc1");
            graph.Linear("fc2", Layer<Linear>(layers, "fc2"));
            graph.Relu("relu_fc2");
            graph.Linear("fc3", Layer<Linear>(layers, "fc3"), OutputName);
        }

        if (graph.Features != DigitCnn.Classes)
        {
            throw new OnnxExportException($"Layer 'fc3' has {graph.Features} outputs; DigitCnn's logits have {DigitCnn.Classes}.");
        }

        var labels = string.Join(",", Enumerable.Range(0, DigitCnn.Classes).Select(d => d.ToString(CultureInfo.InvariantCulture)));
        return new OnnxModelDefinition(
            IrVersion,
            OpsetVersion,
            ProducerName,
            ProducerVersion(),
            "DigitForge DigitCnn: normalised [batch,1,H,W] images to class logits.",
            GraphName,
            graph.Nodes,
            graph.Initializers,
            [new OnnxValueInfo(InputName, [OnnxDimension.Symbolic(BatchDimension), OnnxDimension.Fixed(1), OnnxDimension.Fixed(rows), OnnxDimension.Fixed(columns)])],
            [new OnnxValueInfo(OutputName, [OnnxDimension.Symbolic(BatchDimension), OnnxDimension.Fixed(DigitCnn.Classes)])],
            [
                new(OnnxMetadataKeys.Version, version),
                new(OnnxMetadataKeys.NormalizationMean, stats.Mean.ToString("R", CultureInfo.InvariantCulture)),
                new(OnnxMetadataKeys.NormalizationStd, stats.Std.ToString("R", CultureInfo.InvariantCulture)),
                new(OnnxMetadataKeys.InputShape, string.Create(CultureInfo.InvariantCulture, $"1,{rows},{columns}")),
                new(OnnxMetadataKeys.Labels, labels),
                new(OnnxMetadataKeys.Architecture, nameof(DigitCnn)),
            ]);
    }

    /// <summary>DigitCnn's registered layers, checked against the set this exporter maps.</summary>
    private static Dictionary<string, nn.Module> Layers(DigitCnn model)
    {
        var layers = new Dictionary<string, nn.Module>(StringComparer.Ordinal);
        foreach (var (name, module) in model.named_children())
        {
            layers.Add(name, module);
        }

        string[] required = ["conv1", "pool1", "conv2", "pool2", "drop2", "conv3", "pool3", "fc1", "drop_fc1", "fc2", "fc3"];
        string[] batchNorm = ["bn1", "bn2", "bn3"];
        var missing = required.Where(name => !layers.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            throw new OnnxExportException($"DigitCnn has no layer {string.Join(", ", missing.Select(n => $"'{n}'"))}; the exporter cannot map this model.");
        }

        var unknown = layers.Keys.Where(name => !required.Contains(name) && !batchNorm.Contains(name)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new OnnxExportException($"DigitCnn has layer(s) {string.Join(", ", unknown.Select(n => $"'{n}'"))} the exporter does not know how to map.");
        }

        var present = batchNorm.Count(layers.ContainsKey);
        var expected = model.Config.BatchNorm ? batchNorm.Length : 0;
        if (present != expected)
        {
            throw new OnnxExportException($"DigitCnn has {present} of the bn1..bn3 layers but its config says BatchNorm = {model.Config.BatchNorm}.");
        }

        return layers;
    }

    private static T Layer<T>(Dictionary<string, nn.Module> layers, string name)
        where T : nn.Module =>
        layers[name] as T
        ?? throw new OnnxExportException($"Layer '{name}' is a {layers[name].GetType().Name}, expected {typeof(T).Name}.");

    private static void CheckDropout(Dictionary<string, nn.Module> layers, string name)
    {
        if (layers[name] is not (Dropout or Dropout2d))
        {
            throw new OnnxExportException($"Layer '{name}' is a {layers[name].GetType().Name}, expected a Dropout (omitted at inference).");
        }
    }

    internal static string ProducerVersion()
    {
        var assembly = typeof(OnnxExporter).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
        {
            return assembly.GetName().Version?.ToString() ?? "unknown";
        }

        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? informational[..plus] : informational;
    }

    /// <summary>Builds the node list while tracking the running value's name and shape.</summary>
    private sealed class GraphBuilder(int rows, int columns)
    {
        private readonly List<OnnxNode> nodes = [];
        private readonly List<OnnxInitializer> initializers = [];
        private string current = InputName;
        private long channels = 1;
        private long height = rows;
        private long width = columns;
        private bool flat;

        public IReadOnlyList<OnnxNode> Nodes => nodes;

        public IReadOnlyList<OnnxInitializer> Initializers => initializers;

        /// <summary>Features per image once flattened (or after a Linear).</summary>
        public long Features { get; private set; }

        private string Shape => flat ? $"[{Features}]" : $"[{channels}, {height}, {width}]";

        public void Conv(string name, Conv2d conv)
        {
            RequireSpatial(name);
            if (conv.transposed)
            {
                throw Refuse(name, "is a transposed convolution");
            }

            if (conv.groups != 1)
            {
                throw Refuse(name, $"has groups = {conv.groups}; only 1 is mapped");
            }

            if (conv.padding_mode != PaddingModes.Zeros)
            {
                throw Refuse(name, $"pads with mode {conv.padding_mode}; only zero padding is mapped");
            }

            if (conv.padding_type is not null || conv.padding is not { Length: 2 })
            {
                throw Refuse(name, $"uses padding '{conv.padding_type}'; only explicit per-axis padding is mapped");
            }

            var kernel = Pair(name, "kernel size", conv.kernel_size);
            var stride = Pair(name, "stride", conv.stride);
            var dilation = Pair(name, "dilation", conv.dilation);
            var padding = Pair(name, "padding", conv.padding, allowZero: true);
            if (conv.in_channels != channels)
            {
                throw Refuse(name, $"expects {conv.in_channels} input channels but receives {Shape}");
            }

            var weight = conv.weight ?? throw Refuse(name, "has no weight");
            CheckShape(name + ".weight", weight, conv.out_channels, channels, kernel.H, kernel.W);

            var outHeight = ((height + (2 * padding.H) - (dilation.H * (kernel.H - 1)) - 1) / stride.H) + 1;
            var outWidth = ((width + (2 * padding.W) - (dilation.W * (kernel.W - 1)) - 1) / stride.W) + 1;
            if (outHeight < 1 || outWidth < 1)
            {
                throw Refuse(name, $"receives {Shape}, too small for kernel {kernel.H}x{kernel.W} with padding {padding.H}x{padding.W}");
            }

            List<string> inputs = [current, AddInitializer(name + ".weight", weight)];
            if (conv.bias is { } bias)
            {
                CheckShape(name + ".bias", bias, conv.out_channels);
                inputs.Add(AddInitializer(name + ".bias", bias));
            }

            Add(name, "Conv", inputs,
            [
                OnnxAttribute.Ints("dilations", dilation.H, dilation.W),
                OnnxAttribute.Int("group", 1),
                OnnxAttribute.Ints("kernel_shape", kernel.H, kernel.W),
                OnnxAttribute.Ints("pads", padding.H, padding.W, padding.H, padding.W),
                OnnxAttribute.Ints("strides", stride.H, stride.W),
            ]);
            (channels, height, width) = (conv.out_channels, outHeight, outWidth);
        }

        public void BatchNorm(string name, BatchNorm2d bn)
        {
            RequireSpatial(name);
            if (bn.num_features != channels)
            {
                throw Refuse(name, $"normalises {bn.num_features} channels but receives {Shape}");
            }

            if (!bn.affine || bn.weight is null || bn.bias is null)
            {
                throw Refuse(name, "has no affine scale and shift");
            }

            if (!bn.track_running_stats || bn.running_mean is null || bn.running_var is null)
            {
                throw Refuse(name, "has no running statistics (it would use batch statistics at inference)");
            }

            foreach (var (suffix, tensor) in new[] { ("weight", bn.weight), ("bias", bn.bias), ("running_mean", bn.running_mean), ("running_var", bn.running_var) })
            {
                CheckShape($"{name}.{suffix}", tensor, channels);
            }

            Add(name, "BatchNormalization",
            [
                current,
                AddInitializer(name + ".weight", bn.weight),
                AddInitializer(name + ".bias", bn.bias),
                AddInitializer(name + ".running_mean", bn.running_mean),
                AddInitializer(name + ".running_var", bn.running_var),
            ],
            [OnnxAttribute.Float("epsilon", (float)bn.eps)]);
        }

        public void Relu(string name) => Add(name, "Relu", [current], []);

        public void MaxPool(string name, MaxPool2d pool)
        {
            RequireSpatial(name);
            var kernel = Pair(name, "kernel size", pool.kernel_size);
            var stride = pool.stride is null ? kernel : Pair(name, "stride", pool.stride);
            if (pool.padding is not null && pool.padding.Any(p => p != 0))
            {
                throw Refuse(name, $"pads by [{string.Join(", ", pool.padding)}]; only unpadded max pooling is mapped");
            }

            if (pool.dilation is not null && pool.dilation.Any(d => d != 1))
            {
                throw Refuse(name, $"has dilation [{string.Join(", ", pool.dilation)}]; only 1 is mapped");
            }

            if (pool.ceil_mode)
            {
                throw Refuse(name, "uses ceil mode; only floor mode is mapped");
            }

            if (height < kernel.H || width < kernel.W)
            {
                throw Refuse(name, $"receives {Shape}, smaller than its {kernel.H}x{kernel.W} window");
            }

            Add(name, "MaxPool", [current],
            [
                OnnxAttribute.Int("ceil_mode", 0),
                OnnxAttribute.Ints("kernel_shape", kernel.H, kernel.W),
                OnnxAttribute.Ints("pads", 0, 0, 0, 0),
                OnnxAttribute.Ints("strides", stride.H, stride.W),
            ]);
            height = ((height - kernel.H) / stride.H) + 1;
            width = ((width - kernel.W) / stride.W) + 1;
        }

        public void AdaptiveAvgPool(string name, AdaptiveAvgPool2d pool)
        {
            RequireSpatial(name);
            var output = Pair(name, "output size", pool.output_size);
            var okH = TryMapAdaptiveAvgPool((int)height, (int)output.H, out var windowH, out var reasonH);
            var okW = TryMapAdaptiveAvgPool((int)width, (int)output.W, out var windowW, out var reasonW);
            if (!okH || !okW)
            {
                var reason = !okH ? $"rows {height} -> {output.H}: {reasonH}" : $"columns {width} -> {output.W}: {reasonW}";
                throw new OnnxExportException(
                    $"Layer '{name}' (AdaptiveAvgPool2d to {output.H}x{output.W}) receives a {height}x{width} feature map ({Shape}, from {rows}x{columns} images), " +
                    $"which no ONNX AveragePool reproduces exactly ({reason}); only sizes whose adaptive bins share one size and spacing map, e.g. 7x7 -> 3x3 as kernel 3, stride 2. Refusing to approximate.");
            }

            Add(name, "AveragePool", [current],
            [
                OnnxAttribute.Int("ceil_mode", 0),
                OnnxAttribute.Int("count_include_pad", 0),
                OnnxAttribute.Ints("kernel_shape", windowH.Kernel, windowW.Kernel),
                OnnxAttribute.Ints("pads", 0, 0, 0, 0),
                OnnxAttribute.Ints("strides", windowH.Stride, windowW.Stride),
            ]);
            (height, width) = (output.H, output.W);
        }

        public void Flatten(string name)
        {
            RequireSpatial(name);
            Add(name, "Flatten", [current], [OnnxAttribute.Int("axis", 1)]);
            Features = channels * height * width;
            flat = true;
        }

        public void Linear(string name, Linear linear, string? output = null)
        {
            if (!flat)
            {
                throw Refuse(name, $"receives {Shape}, not a flattened vector");
            }

            if (linear.in_features != Features)
            {
                throw Refuse(name, $"expects {linear.in_features} inputs but receives {Shape}");
            }

            var weight = linear.weight ?? throw Refuse(name, "has no weight");
            CheckShape(name + ".weight", weight, linear.out_features, Features);
            List<string> inputs = [current, AddInitializer(name + ".weight", weight)];
            if (linear.bias is { } bias)
            {
                CheckShape(name + ".bias", bias, linear.out_features);
                inputs.Add(AddInitializer(name + ".bias", bias));
            }

            Add(name, "Gemm", inputs,
            [
                OnnxAttribute.Float("alpha", 1f),
                OnnxAttribute.Float("beta", 1f),
                OnnxAttribute.Int("transB", 1),
            ], output);
            Features = linear.out_features;
        }

        private void Add(string name, string opType, IReadOnlyList<string> inputs, IReadOnlyList<OnnxAttribute> attributes, string? output = null)
        {
            var value = output ?? name + "_out";
            nodes.Add(new OnnxNode(name, opType, inputs, [value], attributes));
            current = value;
        }

        private string AddInitializer(string name, Tensor tensor)
        {
            if (tensor.dtype != ScalarType.Float32)
            {
                throw new OnnxExportException($"Tensor '{name}' is {tensor.dtype}; the exporter writes float32 only.");
            }

            float[] values;
            using (var scope = torch.NewDisposeScope())
            {
                values = tensor.detach().cpu().contiguous().data<float>().ToArray();
            }

            initializers.Add(new OnnxInitializer(name, tensor.shape, values));
            return name;
        }

        private void RequireSpatial(string name)
        {
            if (flat)
            {
                throw Refuse(name, $"receives the flattened {Shape}, not a feature map");
            }
        }

        private static void CheckShape(string name, Tensor tensor, params long[] expected)
        {
            if (!tensor.shape.SequenceEqual(expected))
            {
                throw new OnnxExportException($"Tensor '{name}' has shape [{string.Join(", ", tensor.shape)}], expected [{string.Join(", ", expected)}].");
            }
        }

        private static (long H, long W) Pair(string name, string what, long[]? values, bool allowZero = false)
        {
            if (values is not { Length: 2 } || values.Any(v => v < (allowZero ? 0 : 1)))
            {
                throw Refuse(name, $"has {what} [{string.Join(", ", values ?? [])}]; expected two {(allowZero ? "non-negative" : "positive")} values");
            }

            return (values[0], values[1]);
        }

        private static OnnxExportException Refuse(string name, string problem) => new($"Layer '{name}' {problem}; the exporter cannot map it exactly.");
    }
}
