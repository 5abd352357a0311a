using System.Globalization;
using DigitForge.Engine.Hashing;

namespace DigitForge.Registry.Gate;

/// <summary>
/// Decides whether a candidate may replace production: absolute floors on accuracy and on the
/// weakest class's recall, and no accuracy drop against production beyond the tolerance; the
/// worst-shift accuracy, when measured, is recorded and checked only against a floor the user set.
/// Metrics measured on different test sets are not compared: that is a reject saying so, because
/// a gate that cannot check for a regression must not wave one through (promote with force instead).
/// </summary>
public static class QualityGate
{
    public const string AccuracyRule = "minAccuracy";
    public const string ClassRecallRule = "minClassRecall";
    public const string ProductionRule = "maxAccuracyDrop";
    public const string WorstShiftRule = "minWorstShiftAccuracy";

    // Accuracies are ratios of counts; a margin this small absorbs float error at exact boundaries only.
    private const double Epsilon = 1e-9;

    /// <param name="classNames">The pipeline's class names by label, so a reason names the weakest class as the pipeline does.</param>
    public static GateDecision Decide(ModelMetrics candidate, ModelMetrics? production, GateConfig config, IReadOnlyList<string>? classNames)
    {
        var measured = Classifier.Of(candidate, "the candidate", classNames);
        var current = production is null ? null : Classifier.Of(production, "production", classNames);
        GateCheck[] checks = [Accuracy(measured, config), ClassRecall(measured, config, classNames), AgainstProduction(measured, current, config)];
        return new(WorstShift(candidate, config) is { } shift ? [.. checks, shift] : checks);
    }

    // No figure and no floor: nothing to record or check (older models, or robustness turned off).
    private static GateCheck? WorstShift(ModelMetrics candidate, GateConfig config)
    {
        if (candidate.WorstShiftAccuracy is not { } accuracy)
        {
            return config.MinWorstShiftAccuracy is { } required
                ? new(WorstShiftRule, false, $"the candidate has no worst-shift accuracy to meet the minimum {Percent(required)}: evaluate with evaluate.robustness enabled")
                : null;
        }

        var measured = $"worst shift {candidate.WorstShift} at {Percent(accuracy)}";
        return config.MinWorstShiftAccuracy switch
        {
            null => new(WorstShiftRule, true, $"{measured} (recorded; no minimum set)"),
            { } required when accuracy + Epsilon >= required => new(WorstShiftRule, true, $"{measured} meets the minimum {Percent(required)}"),
            { } required => new(WorstShiftRule, false, $"{measured} is below the minimum {Percent(required)}"),
        };
    }

    private static GateCheck Accuracy(Classifier candidate, GateConfig config) =>
        candidate.Accuracy + Epsilon >= config.MinAccuracy
            ? new(AccuracyRule, true, $"accuracy {Percent(candidate.Accuracy)} meets the minimum {Percent(config.MinAccuracy)}")
            : new(AccuracyRule, false, $"accuracy {Percent(candidate.Accuracy)} is below the minimum {Percent(config.MinAccuracy)}");

    private static GateCheck ClassRecall(Classifier candidate, GateConfig config, IReadOnlyList<string>? classNames)
    {
        var measured = $"lowest class recall {Percent(candidate.LowestRecall)} ({ModelMetrics.ClassName(candidate.LowestRecallLabel, classNames)})";
        return candidate.LowestRecall + Epsilon >= config.MinClassRecall
            ? new(ClassRecallRule, true, $"{measured} meets the minimum {Percent(config.MinClassRecall)}")
            : new(ClassRecallRule, false, $"{measured} is below the minimum {Percent(config.MinClassRecall)}");
    }

    private static GateCheck AgainstProduction(Classifier candidate, Classifier? production, GateConfig config)
    {
        if (production is null)
        {
            return new(ProductionRule, true, "no production model yet: nothing to compare with");
        }

        if (production.TestSet != candidate.TestSet)
        {
            return new(ProductionRule, false,
                $"cannot compare with production: it was measured on test set {ContentHash.Short(production.TestSet)}, "
                + $"the candidate on {ContentHash.Short(candidate.TestSet)}; re-evaluate production on the same test set or promote with force");
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

    /// <summary>What this gate reads of a model's metrics; a model without them is not a classifier it can judge.</summary>
    private sealed record Classifier(double Accuracy, double LowestRecall, int LowestRecallLabel, string TestSet)
    {
        public static Classifier Of(ModelMetrics metrics, string which, IReadOnlyList<string>? classNames) =>
            metrics is { Accuracy: { } accuracy, LowestRecall: { } recall, LowestRecallLabel: { } label }
                ? new(accuracy, recall, label, metrics.TestSetFingerprint)
                : throw new RegistryException($"the classification gate needs accuracy and class recall, and {which}'s metrics have none ({metrics.Describe(classNames)})");
    }
}
