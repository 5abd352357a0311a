using System.Globalization;

namespace DigitForge.Inference.Drift;

/// <summary>
/// Drift of scored images against the model's test-set reference, as population stability indices
/// (PSI = Σ (observed − expected) · ln(observed / expected), shares floored at 0.0001 so empty bins
/// stay finite): one over the predicted labels, one over the confidence bins. The usual reading is
/// below 0.1 stable, 0.1-0.25 a moderate shift, above 0.25 a large one; drift is flagged when either
/// index exceeds <see cref="Threshold"/>.
/// </summary>
public sealed record DriftCheck(double LabelPsi, double ConfidencePsi, double Threshold, int Observed)
{
    public const double DefaultThreshold = 0.25;
    private const double Floor = 1e-4;

    public bool Drifted => LabelPsi > Threshold || ConfidencePsi > Threshold;

    public static DriftCheck Compare(PredictionProfile reference, PredictionProfile observed, double threshold = DefaultThreshold) =>
        new(Psi(reference.LabelShares, observed.LabelShares), Psi(reference.ConfidenceShares, observed.ConfidenceShares), threshold, observed.Count);

    public static double Psi(IReadOnlyList<double> expected, IReadOnlyList<double> observed)
    {
        if (expected.Count != observed.Count)
        {
            throw new ArgumentException($"profiles do not line up: {expected.Count} vs {observed.Count} bins");
        }

        var psi = 0.0;
        for (var i = 0; i < expected.Count; i++)
        {
            var e = Math.Max(expected[i], Floor);
            var o = Math.Max(observed[i], Floor);
            psi += (o - e) * Math.Log(o / e);
        }

        return psi;
    }

    /// <summary>One line CI can grep: <c>drift: DETECTED ...</c> or <c>drift: none ...</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"drift: {(Drifted ? "DETECTED" : "none")} (label PSI {LabelPsi:0.000}, confidence PSI {ConfidencePsi:0.000}, threshold {Threshold:0.###}, {Observed} images)");
}
