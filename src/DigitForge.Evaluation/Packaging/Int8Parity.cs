using System.Globalization;
using DigitForge.Evaluation.Metrics;

namespace DigitForge.Evaluation.Packaging;

/// <summary>
/// How the int8 model compares with the FP32 export, and whether it may be used: on the clean test split
/// (<see cref="Images"/> .. <see cref="IdenticalPredictions"/>) and on the same split under every
/// robustness shift (<see cref="Shifts"/>), its accuracy may be at most <see cref="MaxAccuracyDrop"/> below
/// FP32's, and at least <see cref="MinIdenticalShare"/> of its predictions must equal FP32's. One set failing
/// refuses the model; a refused model is not stored. <see cref="Reason"/> says why (or that it was accepted).
/// </summary>
/// <param name="CpuClass">The <see cref="Inference.CpuClass"/> it was measured on, which decides ONNX Runtime's
/// integer kernels; null in records written before it was recorded.</param>
/// <param name="Shifts">Each robustness shift's figures, in catalogue order; null in records written before
/// shifts were checked.</param>
public sealed record Int8Parity(
    string? CpuClass,
    int Images,
    double Fp32Accuracy,
    double Int8Accuracy,
    double IdenticalPredictions,
    IReadOnlyList<Int8SetParity>? Shifts,
    bool Accepted,
    string Reason)
{
    /// <summary>0.1 accuracy point.</summary>
    public const double MaxAccuracyDrop = 0.001;

    public const double MinIdenticalShare = 0.995;

    /// <summary>The name of the clean test split in <see cref="Reason"/>.</summary>
    public const string TestSplit = "test split";

    /// <summary>The rule applied to the clean test split and each shift: a refusal names every set that failed and its figures.</summary>
    public static Int8Parity Decide(string cpuClass, Int8SetParity test, IReadOnlyList<Int8SetParity> shifts)
    {
        ArgumentException.ThrowIfNullOrEmpty(cpuClass);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(shifts);
        var failed = shifts.Prepend(test).Where(s => !s.Accepted).ToList();
        string reason;
        if (failed.Count == 0)
        {
            var lowest = shifts.MinBy(s => s.IdenticalPredictions);
            var reasonShifts = lowest is null
                ? string.Empty
                : Format($"; under each of {shifts.Count} shifts at least {lowest.IdenticalPredictions:P2} identical ({lowest.Name}), accuracy at most {Math.Max(0, shifts.Max(s => s.Fp32Accuracy - s.Int8Accuracy)) * 100:0.00} point below FP32's");
            reason = Format($"accepted on {cpuClass}: accuracy {test.Int8Accuracy:P2} vs FP32 {test.Fp32Accuracy:P2}, {test.IdenticalPredictions:P2} identical predictions over {test.Images} test images") + reasonShifts;
        }
        else
        {
            reason = $"refused on {cpuClass}: " + string.Join("; ", failed.Select(s => $"{s.Name}: {string.Join(", ", s.Problems)}"));
        }

        return new Int8Parity(cpuClass, test.Images, test.Fp32Accuracy, test.Int8Accuracy, test.IdenticalPredictions, shifts, failed.Count == 0, reason);
    }

    public override string ToString() => Reason;

    internal static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One image set's figures (the clean test split or one shift of it) and what in them breaks the rule (empty when nothing).</summary>
public sealed record Int8SetParity(string Name, int Images, double Fp32Accuracy, double Int8Accuracy, double IdenticalPredictions, IReadOnlyList<string> Problems)
{
    [Newtonsoft.Json.JsonIgnore]
    public bool Accepted => Problems.Count == 0;

    /// <summary>Compares the predictions of the two models' logits on the set named <paramref name="name"/>.</summary>
    public static Int8SetParity Measure(string name, ReadOnlySpan<float> fp32Logits, ReadOnlySpan<float> int8Logits, IReadOnlyList<byte> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (fp32Logits.Length != int8Logits.Length || classes <= 0 || fp32Logits.Length != labels.Count * classes || labels.Count == 0)
        {
            throw new ArgumentException($"{name}: logits do not line up: {fp32Logits.Length} FP32 vs {int8Logits.Length} int8 values for {labels.Count} images of {classes} classes");
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
            problems.Add(Int8Parity.Format($"int8 accuracy {int8Accuracy:P2} is more than 0.1 point below FP32's {fp32Accuracy:P2}"));
        }

        if (identical * 1000L < labels.Count * 995L)
        {
            problems.Add(Int8Parity.Format($"only {share:P2} of predictions equal FP32's (at least {Int8Parity.MinIdenticalShare:P1} required)"));
        }

        return new Int8SetParity(name, labels.Count, fp32Accuracy, int8Accuracy, share, problems);
    }
}
