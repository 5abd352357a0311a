using System.Collections.ObjectModel;
using System.Globalization;

namespace DigitForge.Evaluation.Metrics;

/// <summary>Classification metrics from raw logits and true labels; pure managed code, deterministic.</summary>
public static class ClassificationMetrics
{
    /// <summary>How many most-confidently-wrong examples a report lists unless told otherwise.</summary>
    public const int DefaultWrongExamples = 20;

    /// <summary>Equal-width confidence bins for the expected calibration error.</summary>
    public const int CalibrationBinCount = 15;

    /// <summary>
    /// Measures <paramref name="logits"/> (row-major, <c>labels.Length × classes</c>) against
    /// <paramref name="labels"/>.
    /// <list type="bullet">
    /// <item>Prediction: the arg-max of each row; ties go to the lowest class index.</item>
    /// <item>Loss: mean cross-entropy of softmax(logits), via log-sum-exp in double precision.</item>
    /// <item>Confidence: the largest softmax probability; ECE over <see cref="CalibrationBinCount"/>
    /// bins (i/15, (i+1)/15], weighted by bin size.</item>
    /// <item>0/0 ratios are 0. The lowest recall is taken over classes with support only
    /// (ties: lowest label), since a class absent from the set has no recall to speak of.</item>
    /// <item>The <paramref name="wrongExamples"/> most confidently wrong examples, by confidence
    /// descending then index ascending.</item>
    /// </list>
    /// </summary>
    /// <exception cref="ArgumentException">
    /// No examples, fewer than 2 or more than 256 classes, a logits length other than
    /// <c>labels.Length × classes</c>, a label ≥ classes, or a NaN or infinite logit.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="wrongExamples"/> is negative.</exception>
    public static ClassificationReport Compute(
        ReadOnlySpan<float> logits, ReadOnlySpan<byte> labels, int classes, int wrongExamples = DefaultWrongExamples)
    {
        Validate(logits, labels, classes);
        ArgumentOutOfRangeException.ThrowIfNegative(wrongExamples);

        var count = labels.Length;
        var confusion = new int[classes][];
        for (var c = 0; c < classes; c++)
            confusion[c] = new int[classes];

        var lossSum = 0.0;
        var correct = 0;
        var binCount = new int[CalibrationBinCount];
        var binConfidence = new double[CalibrationBinCount];
        var binCorrect = new int[CalibrationBinCount];
        var wrong = new List<WrongPrediction>();

        for (var i = 0; i < count; i++)
        {
            var row = logits.Slice(i * classes, classes);
            var predicted = ArgMax(row);
            var label = labels[i];

            // log-sum-exp around the row maximum (the predicted logit): every exponent is ≤ 0.
            double max = row[predicted];
            var sumExp = 0.0;
            for (var c = 0; c < classes; c++)
                sumExp += Math.Exp(row[c] - max);
            var logSumExp = max + Math.Log(sumExp);
            lossSum += logSumExp - row[label];

            // exp(max - logSumExp) = 1 / sumExp, exactly rounded this way.
            var confidence = 1.0 / sumExp;
            var isCorrect = predicted == label;
            confusion[label][predicted]++;
            if (isCorrect)
                correct++;
            else
                wrong.Add(new WrongPrediction(i, label, predicted, confidence));

            var bin = BinOf(confidence);
            binCount[bin]++;
            binConfidence[bin] += confidence;
            if (isCorrect)
                binCorrect[bin]++;
        }

        var perClass = new ClassMetrics[classes];
        for (var c = 0; c < classes; c++)
        {
            var truePositives = confusion[c][c];
            var support = 0;
            var predictedCount = 0;
            for (var k = 0; k < classes; k++)
            {
                support += confusion[c][k];
                predictedCount += confusion[k][c];
            }

            perClass[c] = new ClassMetrics(
                Label: c,
                Precision: Ratio(truePositives, predictedCount),
                Recall: Ratio(truePositives, support),
                F1: Ratio(2.0 * truePositives, support + predictedCount), // = 2PR / (P + R)
                Support: support,
                PredictedCount: predictedCount);
        }

        var bins = new CalibrationBin[CalibrationBinCount];
        var ece = 0.0;
        for (var b = 0; b < CalibrationBinCount; b++)
        {
            var meanConfidence = binCount[b] == 0 ? 0.0 : binConfidence[b] / binCount[b];
            var accuracy = Ratio(binCorrect[b], binCount[b]);
            bins[b] = new CalibrationBin(BinEdge(b), BinEdge(b + 1), binCount[b], meanConfidence, accuracy);
            ece += (double)binCount[b] / count * Math.Abs(accuracy - meanConfidence);
        }

        var mostConfidentWrong = wrong
            .OrderByDescending(w => w.Confidence)
            .ThenBy(w => w.Index)
            .Take(wrongExamples)
            .ToArray();

        var lowest = perClass.Where(m => m.Support > 0).MinBy(m => m.Recall)!; // MinBy keeps the first of equals

        return new ClassificationReport(
            Count: count,
            Classes: classes,
            Accuracy: (double)correct / count,
            Loss: lossSum / count,
            ExpectedCalibrationError: ece,
            LowestRecall: lowest.Recall,
            LowestRecallLabel: lowest.Label,
            PerClass: ReadOnly(perClass),
            MacroAverage: new AverageMetrics(
                perClass.Average(m => m.Precision),
                perClass.Average(m => m.Recall),
                perClass.Average(m => m.F1)),
            WeightedAverage: new AverageMetrics(
                perClass.Sum(m => m.Support * m.Precision) / count,
                perClass.Sum(m => m.Support * m.Recall) / count,
                perClass.Sum(m => m.Support * m.F1) / count),
            ConfusionMatrix: ReadOnly(confusion.Select(r => (IReadOnlyList<int>)ReadOnly(r)).ToArray()),
            CalibrationBins: ReadOnly(bins),
            MostConfidentWrong: ReadOnly(mostConfidentWrong));
    }

    /// <summary>Index of the largest value; ties go to the lowest index. <paramref name="row"/> must not be empty or hold NaN.</summary>
    public static int ArgMax(ReadOnlySpan<float> row)
    {
        if (row.IsEmpty)
            throw new ArgumentException("Cannot take the arg-max of an empty row.", nameof(row));
        var best = 0;
        for (var c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best])
                best = c;
        }

        return best;
    }

    private static void Validate(ReadOnlySpan<float> logits, ReadOnlySpan<byte> labels, int classes)
    {
        if (classes is < 2 or > 256)
            throw new ArgumentException($"classes must be between 2 and 256 (labels are bytes), got {classes}.", nameof(classes));
        if (labels.IsEmpty)
            throw new ArgumentException("No examples: labels is empty.", nameof(labels));
        if (logits.Length != (long)labels.Length * classes)
        {
            throw new ArgumentException(
                $"logits has {logits.Length} values but {labels.Length} labels × {classes} classes needs {(long)labels.Length * classes}.",
                nameof(logits));
        }

        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classes)
                throw new ArgumentException($"Label {labels[i]} at index {i} is out of range 0..{classes - 1}.", nameof(labels));
        }

        for (var j = 0; j < logits.Length; j++)
        {
            if (!float.IsFinite(logits[j]))
            {
                var what = float.IsNaN(logits[j]) ? "NaN" : logits[j].ToString(CultureInfo.InvariantCulture);
                throw new ArgumentException(
                    $"Logit {what} for example {j / classes}, class {j % classes} (flat index {j}): logits must be finite numbers, not NaN or infinite.",
                    nameof(logits));
            }
        }
    }

    /// <summary>The bin b with edge(b) &lt; confidence ≤ edge(b + 1); comparing against the same edges the bins report.</summary>
    private static int BinOf(double confidence)
    {
        for (var b = 0; b < CalibrationBinCount - 1; b++)
        {
            if (confidence <= BinEdge(b + 1))
                return b;
        }

        return CalibrationBinCount - 1;
    }

    private static double BinEdge(int b) => (double)b / CalibrationBinCount;

    private static double Ratio(double numerator, double denominator) => denominator == 0 ? 0.0 : numerator / denominator;

    private static ReadOnlyCollection<T> ReadOnly<T>(T[] items) => Array.AsReadOnly(items);
}
