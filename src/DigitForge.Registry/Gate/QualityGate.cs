using System.Globalization;
using DigitForge.Engine.Hashing;

namespace DigitForge.Registry.Gate;

/// <summary>
/// Decides whether a candidate may replace production: absolute floors on accuracy and on the
/// weakest class's recall, and no accuracy drop against production beyond the tolerance.
/// Metrics measured on different test sets are not compared: that is a reject saying so, because
/// a gate that cannot check for a regression must not wave one through (promote with force instead).
/// </summary>
public static class QualityGate
{
    public const string AccuracyRule = "minAccuracy";
    public const string ClassRecallRule = "minClassRecall";
    public const string ProductionRule = "maxAccuracyDrop";

    // Accuracies are ratios of counts; a margin this small absorbs float error at exact boundaries only.
    private const double Epsilon = 1e-9;

    public static GateDecision Decide(ModelMetrics candidate, ModelMetrics? production, GateConfig config) =>
        new([Accuracy(candidate, config), ClassRecall(candidate, config), AgainstProduction(candidate, production, config)]);

    private static GateCheck Accuracy(ModelMetrics candidate, GateConfig config) =>
        candidate.Accuracy + Epsilon >= config.MinAccuracy
            ? new(AccuracyRule, true, $"accuracy {Percent(candidate.Accuracy)} meets the minimum {Percent(config.MinAccuracy)}")
            : new(AccuracyRule, false, $"accuracy {Percent(candidate.Accuracy)} is below the minimum {Percent(config.MinAccuracy)}");

    private static GateCheck ClassRecall(ModelMetrics candidate, GateConfig config)
    {
        var measured = $"lowest class recall {Percent(candidate.LowestRecall)} (digit {candidate.LowestRecallLabel.ToString(CultureInfo.InvariantCulture)})";
        return candidate.LowestRecall + Epsilon >= config.MinClassRecall
            ? new(ClassRecallRule, true, $"{measured} meets the minimum {Percent(config.MinClassRecall)}")
            : new(ClassRecallRule, false, $"{measured} is below the minimum {Percent(config.MinClassRecall)}");
    }

    private static GateCheck AgainstProduction(ModelMetrics candidate, ModelMetrics? production, GateConfig config)
    {
        if (production is null)
        {
            return new(ProductionRule, true, "no production model yet: nothing to compare with");
        }

        if (production.TestSetFingerprint != candidate.TestSetFingerprint)
        {
            return new(ProductionRule, false,
                $"cannot compare with production: it was measured on test set {ContentHash.Short(production.TestSetFingerprint)}, "
                + $"the candidate on {ContentHash.Short(candidate.TestSetFingerprint)}; re-evaluate production on the same test set or promote with force");
        }

        var drop = production.Accuracy - candidate.Accuracy;
        var versus = $"accuracy {Percent(candidate.Accuracy)} vs production {Percent(production.Accuracy)}";
        if (drop <= 0)
        {
            return new(ProductionRule, true, $"{versus}: no drop");
        }

        return drop <= config.MaxAccuracyDrop + Epsilon
            ? new(ProductionRule, true, $"{versus}: drop of {Points(drop)} is within the allowed {Points(config.MaxAccuracyDrop)}")
            : new(ProductionRule, false, $"{versus}: drop of {Points(drop)} exceeds the allowed {Points(config.MaxAccuracyDrop)}");
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("0.00##", CultureInfo.InvariantCulture) + " %";

    private static string Points(double fraction) => (fraction * 100).ToString("0.00##", CultureInfo.InvariantCulture) + " points";
}
