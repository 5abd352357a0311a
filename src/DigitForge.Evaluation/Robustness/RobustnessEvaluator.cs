using DigitForge.Data;
using DigitForge.Training.Model;

namespace DigitForge.Evaluation.Robustness;

/// <summary>Scores a model on every shift of <see cref="ShiftCatalog"/> applied to a labelled set.</summary>
public static class RobustnessEvaluator
{
    /// <summary>
    /// Shifts <paramref name="test"/> by each catalogued shift (seeded by <paramref name="seed"/>,
    /// one stream per shift) and scores it with <paramref name="logits"/>, which must be the path the
    /// clean set is scored by, so the shifted images are normalised the same way.
    /// </summary>
    public static RobustnessReport Measure(LabelledImages test, int seed, Func<LabelledImages, float[]> logits)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(logits);
        if (test.Count == 0)
        {
            throw new ArgumentException("Robustness needs at least one test image.", nameof(test));
        }

        // Each shift has its own stream, so shifting them in parallel gives the same bytes as one by
        // one; scoring stays sequential (the predictor is one model, and libtorch uses the cores).
        var shifted = new LabelledImages[ShiftCatalog.All.Count];
        Parallel.For(0, shifted.Length, index => shifted[index] = ShiftCatalog.All[index].ApplyTo(test, ShiftCatalog.Stream(seed, index)));
        var results = ShiftCatalog.All
            .Select((shift, index) => new ShiftResult(shift.Name, shift.Description, Accuracy(logits(shifted[index]), test.Labels)))
            .ToList();
        var worst = results.Aggregate((a, b) => b.Accuracy < a.Accuracy ? b : a);
        return new RobustnessReport(seed, test.Count, results, new WorstShift(worst.Name, worst.Accuracy));
    }

    private static double Accuracy(float[] logits, byte[] labels)
    {
        var predictions = DigitPredictor.Predictions(logits);
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            correct += predictions[i] == labels[i] ? 1 : 0;
        }

        return (double)correct / labels.Length;
    }
}
