using DigitForge.Data;
using DigitForge.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace DigitForge.Training.Model;

/// <summary>A trained <see cref="DigitCnn"/> loaded from <c>model.weights</c>, for evaluation.</summary>
public sealed class DigitPredictor : IDisposable
{
    public const int DefaultBatchSize = 1000;

    private readonly DigitCnn model;

    private DigitPredictor(DigitCnn model) => this.model = model;

    public ModelConfig Config => model.Config;

    /// <summary>Loads weights written by <see cref="DigitTrainer"/> for a model of <paramref name="config"/>;
    /// names and shapes must match exactly. <paramref name="numerics"/>, if given, sets libtorch's
    /// kernel set and intra-op thread count (process-wide).</summary>
    public static DigitPredictor Load(string weightsPath, ModelConfig config, TorchNumerics? numerics = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        ArgumentNullException.ThrowIfNull(config);
        if (!File.Exists(weightsPath))
        {
            throw new FileNotFoundException($"No weights file at '{weightsPath}'.", weightsPath);
        }

        if (numerics is not null)
        {
            DigitTrainer.ConfigureNumerics(numerics);
        }

        GlibcMalloc.KeepFreedBlocks();

        var model = new DigitCnn(config);
        try
        {
            model.load(weightsPath, strict: true);
            model.eval();
            return new DigitPredictor(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Logits for every image, row-major: <c>result[i * 10 + k]</c> is class k of image i.
    /// Eval mode, inference mode (no gradients, no autograd bookkeeping), <paramref name="batchSize"/>
    /// images per forward pass.
    /// </summary>
    public float[] Logits(LabelledImages images, NormalizationStats normalization, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(normalization);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);

        var result = new float[checked(images.Count * DigitCnn.Classes)];
        if (images.Count == 0)
        {
            return result;
        }

        model.eval();
        using var _ = inference_mode();
        using var all = ImageTensors.Normalised(images, normalization);
        for (var start = 0; start < images.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(batchSize, images.Count - start);
            var logits = model.forward(all.narrow(0, start, count)).contiguous();
            logits.data<float>().CopyTo(result, start * DigitCnn.Classes);
        }

        return result;
    }

    /// <summary>The arg-max class of each row of <paramref name="logits"/> (first maximum on ties).</summary>
    public static int[] Predictions(ReadOnlySpan<float> logits)
    {
        if (logits.Length % DigitCnn.Classes != 0)
        {
            throw new ArgumentException($"{logits.Length} logits are not rows of {DigitCnn.Classes}.", nameof(logits));
        }

        var predictions = new int[logits.Length / DigitCnn.Classes];
        for (var i = 0; i < predictions.Length; i++)
        {
            var row = logits.Slice(i * DigitCnn.Classes, DigitCnn.Classes);
            var bestClass = 0;
            for (var k = 1; k < row.Length; k++)
            {
                if (row[k] > row[bestClass])
                {
                    bestClass = k;
                }
            }

            predictions[i] = bestClass;
        }

        return predictions;
    }

    /// <summary>Writes the loaded network as ONNX (see <see cref="Onnx.OnnxExporter"/>), recording <paramref name="version"/> in its metadata.</summary>
    public void ExportOnnx(NormalizationStats normalization, string version, string path) =>
        Onnx.OnnxExporter.Export(model, normalization, version, path);

    /// <summary>Writes the loaded network as a statically quantized int8 ONNX model (see <see cref="Onnx.Int8OnnxExporter"/>),
    /// its activation ranges calibrated on <paramref name="calibration"/>.</summary>
    public void ExportInt8Onnx(NormalizationStats normalization, string version, LabelledImages calibration, string path) =>
        Onnx.Int8OnnxExporter.Export(model, normalization, version, calibration, path);

    public void Dispose() => model.Dispose();
}
