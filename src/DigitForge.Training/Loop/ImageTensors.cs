using DigitForge.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DigitForge.Training.Loop;

/// <summary>Conversion of a whole <see cref="LabelledImages"/> split to tensors, once.</summary>
public static class ImageTensors
{
    /// <summary>
    /// All images as one float32 tensor [N, 1, rows, columns] holding (p/255 - Mean)/Std.
    /// The caller owns (disposes) the result.
    /// </summary>
    public static Tensor Normalised(LabelledImages images, NormalizationStats stats)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(stats);
        if (!(stats.Std > 0) || !double.IsFinite(stats.Mean))
        {
            throw new ArgumentException($"Normalisation needs a finite mean and a positive std, got mean {stats.Mean}, std {stats.Std}.", nameof(stats));
        }

        // A 256-entry table: the same byte always maps to the same float, computed in double once.
        Span<float> table = stackalloc float[256];
        for (var p = 0; p < 256; p++)
        {
            table[p] = (float)((p / 255.0 - stats.Mean) / stats.Std);
        }

        var pixels = images.Pixels;
        var values = new float[pixels.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = table[pixels[i]];
        }

        return tensor(values, [images.Count, 1, images.Rows, images.Columns], ScalarType.Float32);
    }

    /// <summary>The value a background (0) pixel has after normalisation: -Mean/Std.</summary>
    public static float Background(NormalizationStats stats) => (float)((0.0 - stats.Mean) / stats.Std);

    /// <summary>All labels as an int64 tensor [N]. The caller owns the result.</summary>
    public static Tensor Labels(LabelledImages images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var labels = new long[images.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            if (images.Labels[i] >= DigitForge.Training.Model.DigitCnn.Classes)
            {
                throw new ArgumentException($"Label {images.Labels[i]} of image {i} is not a digit 0..9.", nameof(images));
            }

            labels[i] = images.Labels[i];
        }

        return tensor(labels, [labels.Length], ScalarType.Int64);
    }
}
