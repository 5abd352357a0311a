using System.Globalization;

namespace DigitForge.Inference.Drift;

/// <summary>
/// What a model's answers look like on a set of images: the share of each predicted label and the
/// share of confidences (top softmax probability) in fixed bins. Stored with every model version as
/// <c>reference.json</c> (measured on the test split) and measured again on every scored folder, so
/// the two can be compared for drift.
/// </summary>
public sealed record PredictionProfile(int Count, IReadOnlyList<double> LabelShares, IReadOnlyList<double> ConfidenceShares)
{
    public const string FileName = "reference.json";

    /// <summary>Bin edges of the confidence histogram: fine near 1, where a healthy model's answers are.</summary>
    public static readonly IReadOnlyList<double> ConfidenceEdges = [0, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1];

    public static int ConfidenceBin(double confidence)
    {
        for (var bin = ConfidenceEdges.Count - 2; bin > 0; bin--)
        {
            if (confidence >= ConfidenceEdges[bin])
            {
                return bin;
            }
        }

        return 0;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Count} predictions");
}

/// <summary>Builds a <see cref="PredictionProfile"/> one prediction at a time, in constant memory.</summary>
public sealed class PredictionProfileBuilder(int classes)
{
    private readonly long[] labels = new long[classes];
    private readonly long[] confidences = new long[PredictionProfile.ConfidenceEdges.Count - 1];
    private int count;

    public void Add(int label, double confidence)
    {
        if ((uint)label >= (uint)labels.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label, $"a label of {labels.Length} classes");
        }

        labels[label]++;
        confidences[PredictionProfile.ConfidenceBin(confidence)]++;
        count++;
    }

    /// <summary>Adds every row of <paramref name="logits"/> (rows of <c>classes</c>).</summary>
    public void AddLogits(ReadOnlySpan<float> logits)
    {
        var probabilities = OnnxDigitModel.Softmax(logits, labels.Length);
        for (var row = 0; row < probabilities.Length / labels.Length; row++)
        {
            var p = probabilities.AsSpan(row * labels.Length, labels.Length);
            var best = 0;
            for (var k = 1; k < p.Length; k++)
            {
                best = p[k] > p[best] ? k : best;
            }

            Add(best, p[best]);
        }
    }

    public PredictionProfile Build() => new(count, Shares(labels), Shares(confidences));

    private double[] Shares(long[] counts) => [.. counts.Select(c => count == 0 ? 0 : (double)c / count)];
}
