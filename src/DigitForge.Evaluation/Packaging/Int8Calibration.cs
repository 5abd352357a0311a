using System.Globalization;
using DigitForge.Data;
using DigitForge.Evaluation.Robustness;
using DigitForge.Training.Onnx;

namespace DigitForge.Evaluation.Packaging;

/// <summary>
/// The images the int8 export's activation ranges are calibrated on, and their description for records
/// and logs: a fixed stride through the training split (<see cref="Int8OnnxExporter.CalibrationSample"/>),
/// clean and under each shift of <see cref="ShiftCatalog"/>. Off-distribution images drive activations
/// beyond the clean ones' ranges, and their low-margin predictions are the ones quantization error flips,
/// so the ranges cover them too.
/// </summary>
public sealed record Int8Calibration(LabelledImages Images, string Description)
{
    /// <summary>Seeds the random shifts (rotation, move, noise) of the calibration images: the same split gives the same bytes.</summary>
    public const int ShiftSeed = 7;

    /// <summary>The clean sample of <paramref name="train"/> followed by the same images under each shift, in catalogue order.</summary>
    public static Int8Calibration FromTrainingSplit(LabelledImages train)
    {
        var clean = Int8OnnxExporter.CalibrationSample(train);
        var sets = ShiftCatalog.All.Select((shift, index) => shift.ApplyTo(clean, ShiftCatalog.Stream(ShiftSeed, index))).Prepend(clean).ToList();
        var pixels = new byte[sets.Sum(s => s.Pixels.Length)];
        var labels = new byte[sets.Sum(s => s.Count)];
        for (var i = 0; i < sets.Count; i++)
        {
            sets[i].Pixels.CopyTo(pixels, i * clean.Pixels.Length);
            sets[i].Labels.CopyTo(labels, i * clean.Count);
        }

        var description = string.Create(
            CultureInfo.InvariantCulture,
            $"min/max of each activation over {clean.Count} training images (fixed stride), clean and under each of the {ShiftCatalog.All.Count} robustness shifts (seed {ShiftSeed}): {labels.Length} images");
        return new Int8Calibration(new LabelledImages(pixels, labels, clean.Rows, clean.Columns), description);
    }
}
