using System.Globalization;

namespace DigitForge.Inference.Golden;

/// <summary>Runs a version's golden set through a loaded model and compares its answers with those recorded at promote.</summary>
public static class GoldenCheck
{
    /// <summary>
    /// How far a logit may move from the recorded one: 1e-3·(1 + |expected|). FP32 sums taken in another
    /// order (another kernel, thread split or CPU) move a logit by float rounding, about 1e-5 relative over
    /// this network's few thousand products per output; the bound leaves a hundredfold margin for that. An
    /// int8 model's integer sums are exact, so only its float rescaling rounds differently; a sum that comes
    /// out otherwise (AVX2's saturating int16 pairs against VNNI's int32) moves a logit by whole quantization
    /// steps, far beyond it. The 1 keeps the bound meaningful for logits near 0.
    /// </summary>
    public static double Tolerance(double expected) => 1e-3 * (1 + Math.Abs(expected));

    /// <summary>
    /// The check of <paramref name="model"/> against <paramref name="set"/> (read from <paramref name="path"/>, named in
    /// errors) on this CPU; null when the set holds no answers for the model's precision.
    /// </summary>
    public static GoldenCheckResult? Run(OnnxDigitModel model, GoldenSet set, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(set);
        if (set.For(model.Precision) is not { } expected)
        {
            return null;
        }

        if (model.Rows != set.Rows || model.Columns != set.Columns || model.Classes != set.Classes)
        {
            throw new InvalidDataException(
                $"{path}: expected a golden set of {model.Rows}x{model.Columns} images and {model.Classes} labels (the model's), found {set.Rows}x{set.Columns} and {set.Classes}");
        }

        var size = set.Rows * set.Columns;
        var pixels = new byte[set.Images.Length * size];
        for (var i = 0; i < set.Images.Length; i++)
        {
            set.Images[i].Pixels.CopyTo(pixels, i * size);
        }

        var logits = new float[set.Images.Length * set.Classes];
        model.Logits(pixels, logits);
        var top1 = OnnxDigitModel.Predictions(logits, set.Classes);
        var mismatches = 0;
        var outOfTolerance = 0;
        var maxDeviation = 0.0;
        for (var i = 0; i < set.Images.Length; i++)
        {
            mismatches += top1[i] == expected.Top1[i] ? 0 : 1;
            for (var k = 0; k < set.Classes; k++)
            {
                var wanted = expected.Logits[i][k];
                var deviation = Math.Abs((double)logits[(i * set.Classes) + k] - wanted);

                // Written so that NaN counts as out of tolerance.
                outOfTolerance += deviation <= Tolerance(wanted) ? 0 : 1;
                maxDeviation = double.IsNaN(deviation) ? double.NaN : Math.Max(maxDeviation, deviation);
            }
        }

        return new GoldenCheckResult(model.Precision, CpuClass.Current, set.CpuClass, set.Images.Length, mismatches, outOfTolerance, maxDeviation);
    }
}

/// <summary>
/// The outcome of a <see cref="GoldenCheck"/>: <paramref name="Precision"/>'s model run on <paramref name="CpuClass"/> over
/// <paramref name="Images"/> images of a set made on <paramref name="ProducedOn"/>; <paramref name="Mismatches"/> top-1
/// answers and <paramref name="LogitsOutOfTolerance"/> logits differ from the recorded ones.
/// </summary>
public sealed record GoldenCheckResult(string Precision, string CpuClass, string ProducedOn, int Images, int Mismatches, int LogitsOutOfTolerance, double MaxLogitDeviation)
{
    public bool Passed => Mismatches == 0 && LogitsOutOfTolerance == 0;

    /// <summary>"3/48 top-1 differ, max logit deviation 0.41": what differed, for messages.</summary>
    public string Differences => Invariant($"{Mismatches}/{Images} top-1 differ, max logit deviation {MaxLogitDeviation:G3}");

    /// <summary>One line: the precision, whether it passed on which CPU class, and by how much.</summary>
    public string Summary => Invariant(
        $"golden check: {Precision} {(Passed ? "passed" : "FAILED")} on {CpuClass} ({Differences}{(LogitsOutOfTolerance > 0 ? $", {LogitsOutOfTolerance} logits beyond tolerance" : string.Empty)}; set made on {ProducedOn})");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
