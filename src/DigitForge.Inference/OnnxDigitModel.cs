using DigitForge.Data;
using Microsoft.ML.OnnxRuntime;

namespace DigitForge.Inference;

/// <summary>
/// A DigitForge model exported to ONNX, scored with ONNX Runtime on the CPU.
/// </summary>
/// <remarks>
/// One <see cref="InferenceSession"/> is created at load and reused for every call. Inputs and
/// outputs live in pre-allocated float buffers wrapped once as <see cref="OrtValue"/>s (kept for
/// the full batch size and for the last, shorter batch), so scoring allocates nothing per batch
/// but the result array. Images are normalised exactly as in training: (p/255 - mean)/std computed
/// in double and rounded to float, with mean and std from the model's metadata. Calls are
/// serialised (the buffers are shared); create one instance per thread for parallel scoring.
/// </remarks>
public sealed class OnnxDigitModel : IDisposable
{
    /// <summary>Images per <c>Run</c> unless the caller says otherwise.</summary>
    public const int DefaultBatchSize = 256;

    public const string InputName = "input";
    public const string OutputName = "logits";

    private readonly SessionOptions options;
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly float[] normalisedPixel = new float[256];
    private readonly Lock gate = new();
    private readonly string[] inputNames = [InputName];
    private readonly string[] outputNames = [OutputName];
    private BatchBuffers? fullBatch;
    private BatchBuffers? otherBatch;
    private bool disposed;

    private OnnxDigitModel(string path, SessionOptions options, InferenceSession session, OnnxModelMetadata metadata, IReadOnlyDictionary<string, string> properties)
    {
        Path = path;
        this.options = options;
        this.session = session;
        Metadata = metadata;
        Properties = properties;
        ProducerName = session.ModelMetadata.ProducerName;
        var stats = metadata.Normalization;
        for (var p = 0; p < normalisedPixel.Length; p++)
        {
            normalisedPixel[p] = (float)((p / 255.0 - stats.Mean) / stats.Std);
        }
    }

    /// <summary>The model file (full path).</summary>
    public string Path { get; }

    /// <summary>DigitForge metadata: version, normalisation, input shape, labels.</summary>
    public OnnxModelMetadata Metadata { get; }

    /// <summary>All metadata_props of the file.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    public string ProducerName { get; }

    public string Version => Metadata.Version;

    /// <summary>"fp32" or "int8" (<see cref="OnnxMetadataKeys.Precision"/>).</summary>
    public string Precision => Metadata.Precision;

    public NormalizationStats Normalization => Metadata.Normalization;

    public IReadOnlyList<string> Labels => Metadata.Labels;

    public int Classes => Metadata.Labels.Count;

    public int Rows => Metadata.InputShape[1];

    public int Columns => Metadata.InputShape[2];

    /// <summary>
    /// Opens <paramref name="path"/> in one ONNX Runtime session with all graph optimisations on.
    /// <paramref name="intraOpThreads"/> sets ONNX Runtime's intra-op thread count (default: its own
    /// choice, one per physical core). Throws <see cref="FileNotFoundException"/> if the file is
    /// missing and <see cref="InvalidOnnxModelException"/> (naming the file) if it is not a valid
    /// ONNX model or lacks DigitForge's metadata, input or output.
    /// </summary>
    public static OnnxDigitModel Load(string path, int? intraOpThreads = null) => Load(path, intraOpThreads, spinWhenIdle: true);

    /// <summary>
    /// As <see cref="Load(string, int?)"/>. With <paramref name="spinWhenIdle"/> false, ONNX Runtime's
    /// worker threads sleep between runs instead of busy-waiting for the next one (its default): the
    /// cores go to other work of the process, such as decoding the next batch's images.
    /// </summary>
    public static OnnxDigitModel Load(string path, int? intraOpThreads, bool spinWhenIdle)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (intraOpThreads is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(intraOpThreads), intraOpThreads, "Thread count must be positive.");
        }

        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"No ONNX model file at '{fullPath}'.", fullPath);
        }

        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            InterOpNumThreads = 1,
        };
        InferenceSession? session = null;
        try
        {
            if (!spinWhenIdle)
            {
                options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
            }

            if (intraOpThreads is { } threads)
            {
                options.IntraOpNumThreads = threads;
            }

            try
            {
                session = new InferenceSession(fullPath, options);
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidOnnxModelException(fullPath, $"ONNX Runtime cannot load it: {e.Message}", e);
            }

            var properties = new Dictionary<string, string>(session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal);
            var metadata = OnnxModelMetadata.Parse(fullPath, properties);
            CheckSignature(fullPath, session, metadata);
            return new OnnxDigitModel(fullPath, options, session, metadata, properties);
        }
        catch
        {
            session?.Dispose();
            options.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Logits for every image, row-major: <c>result[i * Classes + k]</c> is class k of image i.
    /// Images must have the model's size; <paramref name="batchSize"/> images go through each run.
    /// </summary>
    public float[] Logits(LabelledImages images, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (images.Rows != Rows || images.Columns != Columns)
        {
            throw new ArgumentException($"The model takes {Rows}x{Columns} images, got {images.Rows}x{images.Columns}.", nameof(images));
        }

        var result = new float[checked(images.Count * Classes)];
        Logits(images.Pixels, result, batchSize);
        return result;
    }

    /// <summary>
    /// Logits of the images in <paramref name="pixels"/> (greyscale bytes, <see cref="Rows"/> x
    /// <see cref="Columns"/> each, one after the other) written into <paramref name="logits"/>, laid
    /// out as the other overload's result. For callers that keep their own reusable buffers: this
    /// allocates nothing once the batch buffers exist.
    /// </summary>
    public void Logits(ReadOnlySpan<byte> pixels, Span<float> logits, int batchSize = DefaultBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var pixelsPerImage = Rows * Columns;
        if (pixels.Length % pixelsPerImage != 0)
        {
            throw new ArgumentException($"{pixels.Length} pixels are not whole {Rows}x{Columns} images.", nameof(pixels));
        }

        var count = pixels.Length / pixelsPerImage;
        if (logits.Length != count * Classes)
        {
            throw new ArgumentException($"{count} images need {count * Classes} logits, got room for {logits.Length}.", nameof(logits));
        }

        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            for (var start = 0; start < count; start += batchSize)
            {
                var batch = Math.Min(batchSize, count - start);
                var buffers = Buffers(batch, batchSize);
                var source = pixels.Slice(start * pixelsPerImage, batch * pixelsPerImage);
                var input = buffers.Input.AsSpan(0, source.Length);
                for (var i = 0; i < source.Length; i++)
                {
                    input[i] = normalisedPixel[source[i]];
                }

                session.Run(runOptions, inputNames, buffers.InputValues, outputNames, buffers.OutputValues);
                buffers.Output.AsSpan(0, batch * Classes).CopyTo(logits.Slice(start * Classes));
            }
        }
    }

    /// <summary>Softmax probabilities for every image, laid out as <see cref="Logits"/>.</summary>
    public float[] Probabilities(LabelledImages images, int batchSize = DefaultBatchSize) =>
        Softmax(Logits(images, batchSize), Classes);

    /// <summary>Row-wise softmax of <paramref name="logits"/> (rows of <paramref name="classes"/>),
    /// computed stably in double (the row maximum is subtracted first).</summary>
    public static float[] Softmax(ReadOnlySpan<float> logits, int classes)
    {
        CheckRows(logits, classes);
        var probabilities = new float[logits.Length];
        for (var row = 0; row < logits.Length; row += classes)
        {
            var values = logits.Slice(row, classes);
            double max = double.NegativeInfinity;
            foreach (var value in values)
            {
                max = Math.Max(max, value);
            }

            double sum = 0;
            for (var k = 0; k < classes; k++)
            {
                sum += Math.Exp(values[k] - max);
            }

            for (var k = 0; k < classes; k++)
            {
                probabilities[row + k] = (float)(Math.Exp(values[k] - max) / sum);
            }
        }

        return probabilities;
    }

    /// <summary>The arg-max class of each row (first maximum on ties).</summary>
    public static int[] Predictions(ReadOnlySpan<float> logits, int classes)
    {
        CheckRows(logits, classes);
        var predictions = new int[logits.Length / classes];
        for (var i = 0; i < predictions.Length; i++)
        {
            var row = logits.Slice(i * classes, classes);
            var best = 0;
            for (var k = 1; k < classes; k++)
            {
                if (row[k] > row[best])
                {
                    best = k;
                }
            }

            predictions[i] = best;
        }

        return predictions;
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            fullBatch?.Dispose();
            otherBatch?.Dispose();
            runOptions.Dispose();
            session.Dispose();
            options.Dispose();
        }
    }

    private static void CheckRows(ReadOnlySpan<float> logits, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (logits.Length % classes != 0)
        {
            throw new ArgumentException($"{logits.Length} values are not rows of {classes}.", nameof(logits));
        }
    }

    /// <summary>The input must be float [batch, 1, rows, columns] and the output float [batch, classes],
    /// with the sizes the metadata states (a symbolic batch dimension shows as -1).</summary>
    private static void CheckSignature(string path, InferenceSession session, OnnxModelMetadata metadata)
    {
        if (!session.InputMetadata.TryGetValue(InputName, out var input) || session.InputMetadata.Count != 1)
        {
            throw new InvalidOnnxModelException(path, $"expected one input named '{InputName}', found {Names(session.InputMetadata.Keys)}.");
        }

        if (!session.OutputMetadata.TryGetValue(OutputName, out var output))
        {
            throw new InvalidOnnxModelException(path, $"expected an output named '{OutputName}', found {Names(session.OutputMetadata.Keys)}.");
        }

        int[] inputShape = [-1, .. metadata.InputShape];
        if (input.ElementType != typeof(float) || !input.Dimensions.SequenceEqual(inputShape))
        {
            throw new InvalidOnnxModelException(path, $"input '{InputName}' is {input.ElementType.Name} [{string.Join(", ", input.Dimensions)}], expected Single [{string.Join(", ", inputShape)}] (batch dimension symbolic).");
        }

        int[] outputShape = [-1, metadata.Labels.Count];
        if (output.ElementType != typeof(float) || !output.Dimensions.SequenceEqual(outputShape))
        {
            throw new InvalidOnnxModelException(path, $"output '{OutputName}' is {output.ElementType.Name} [{string.Join(", ", output.Dimensions)}], expected Single [{string.Join(", ", outputShape)}] for {metadata.Labels.Count} labels.");
        }
    }

    private static string Names(IEnumerable<string> names)
    {
        var list = names.Select(n => $"'{n}'").ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }

    /// <summary>Buffers for <paramref name="count"/> images: the full-batch set, or the one other
    /// size (the last batch) kept alongside it; anything else replaces that other set.</summary>
    private BatchBuffers Buffers(int count, int batchSize)
    {
        if (fullBatch?.Count == count)
        {
            return fullBatch;
        }

        if (otherBatch?.Count == count)
        {
            return otherBatch;
        }

        var created = new BatchBuffers(count, Metadata.InputShape, Classes);
        if (count == batchSize)
        {
            fullBatch?.Dispose();
            fullBatch = created;
        }
        else
        {
            otherBatch?.Dispose();
            otherBatch = created;
        }

        return created;
    }

    /// <summary>Managed input/output arrays and the OrtValues that wrap (and pin) them.</summary>
    private sealed class BatchBuffers : IDisposable
    {
        public BatchBuffers(int count, IReadOnlyList<int> imageShape, int classes)
        {
            Count = count;
            long[] inputShape = [count, .. imageShape.Select(d => (long)d)];
            Input = new float[checked(count * imageShape.Aggregate(1, (a, b) => a * b))];
            Output = new float[checked(count * classes)];
            var input = OrtValue.CreateTensorValueFromMemory(Input, inputShape);
            try
            {
                var output = OrtValue.CreateTensorValueFromMemory(Output, [count, classes]);
                InputValues = [input];
                OutputValues = [output];
            }
            catch
            {
                input.Dispose();
                throw;
            }
        }

        public int Count { get; }

        public float[] Input { get; }

        public float[] Output { get; }

        public OrtValue[] InputValues { get; }

        public OrtValue[] OutputValues { get; }

        public void Dispose()
        {
            InputValues[0].Dispose();
            OutputValues[0].Dispose();
        }
    }
}
