using System.Globalization;
using DigitForge.Evaluation.Metrics;

namespace DigitForge.Evaluation.Packaging;

/// <summary>
/// How the int8 model compares with the FP32 export on the test split, and whether it may be used:
/// its accuracy may be at most <see cref="MaxAccuracyDrop"/> below FP32's, and at least
/// <see cref="MinIdenticalShare"/> of its predictions must equal FP32's. A refused model is not
/// stored; <see cref="Reason"/> says why (or that it was accepted).
/// </summary>
public sealed record Int8Parity(int Images, double Fp32Accuracy, double Int8Accuracy, double IdenticalPredictions, bool Accepted, string Reason)
{
    /// <summary>0.1 accuracy point.</summary>
    public const double MaxAccuracyDrop = 0.001;

    public const double MinIdenticalShare = 0.995;

    public static Int8Parity Measure(ReadOnlySpan<float> fp32Logits, ReadOnlySpan<float> int8Logits, IReadOnlyList<byte> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (fp32Logits.Length != int8Logits.Length || classes <= 0 || fp32Logits.Length != labels.Count * classes || labels.Count == 0)
        {
            throw new ArgumentException($"logits do not line up: {fp32Logits.Length} FP32 vs {int8Logits.Length} int8 values for {labels.Count} images of {classes} classes");
        }

        int fp32Correct = 0, int8Correct = 0, identical = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var fp32 = ClassificationMetrics.ArgMax(fp32Logits.Slice(i * classes, classes));
            var int8 = ClassificationMetrics.ArgMax(int8Logits.Slice(i * classes, classes));
            fp32Correct += fp32 == labels[i] ? 1 : 0;
            int8Correct += int8 == labels[i] ? 1 : 0;
            identical += fp32 == int8 ? 1 : 0;
        }

        var (fp32Accuracy, int8Accuracy, share) = ((double)fp32Correct / labels.Count, (double)int8Correct / labels.Count, (double)identical / labels.Count);
        var problems = new List<string>();
        // Counts, not rounded shares, decide, so a boundary case does not hinge on float rounding.
        if ((fp32Correct - int8Correct) * 1000L > labels.Count)
        {
            problems.Add(Format($"int8 accuracy {int8Accuracy:P2} is more than 0.1 point below FP32's {fp32Accuracy:P2}"));
        }

        if (identical * 1000L < labels.Count * 995L)
        {
            problems.Add(Format($"only {share:P2} of predictions equal FP32's (at least {MinIdenticalShare:P1} required)"));
        }

        var accepted = problems.Count == 0;
        var reason = accepted
            ? Format($"accepted: accuracy {int8Accuracy:P2} vs FP32 {fp32Accuracy:P2}, {share:P2} identical predictions over {labels.Count} test images")
            : "refused: " + string.Join("; ", problems);
        return new Int8Parity(labels.Count, fp32Accuracy, int8Accuracy, share, accepted, reason);
    }

    public override string ToString() => Reason;

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
