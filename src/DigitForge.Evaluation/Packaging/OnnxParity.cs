using System.Globalization;
using DigitForge.Evaluation.Metrics;

namespace DigitForge.Evaluation.Packaging;

/// <summary>
/// How closely an ONNX export reproduces the TorchSharp model it came from, on the same images:
/// the largest absolute logit difference and how many predicted classes differ.
/// </summary>
public sealed record OnnxParity(int Images, double MaxAbsLogitDifference, int DifferentPredictions, double Tolerance)
{
    /// <summary>Float32 kernels differ in summation order only; anything beyond this is a wrong export.</summary>
    public const double DefaultTolerance = 1e-4;

    public bool Holds => MaxAbsLogitDifference <= Tolerance && DifferentPredictions == 0;

    public static OnnxParity Measure(ReadOnlySpan<float> reference, ReadOnlySpan<float> onnx, int classes, double tolerance = DefaultTolerance)
    {
        if (reference.Length != onnx.Length || classes <= 0 || reference.Length % classes != 0)
        {
            throw new ArgumentException($"logits do not line up: {reference.Length} reference vs {onnx.Length} ONNX values in rows of {classes}");
        }

        var max = 0.0;
        var different = 0;
        for (var row = 0; row < reference.Length / classes; row++)
        {
            var a = reference.Slice(row * classes, classes);
            var b = onnx.Slice(row * classes, classes);
            for (var k = 0; k < classes; k++)
            {
                // NaN must fail the check, so it is made the largest difference.
                var difference = Math.Abs((double)a[k] - b[k]);
                max = double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(max, difference);
            }

            different += ClassificationMetrics.ArgMax(a) == ClassificationMetrics.ArgMax(b) ? 0 : 1;
        }

        return new OnnxParity(reference.Length / classes, max, different, tolerance);
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"max |logit difference| {MaxAbsLogitDifference:0.###e+0} over {Images} images (tolerance {Tolerance:0.###e+0}), {DifferentPredictions} different predictions");
}
