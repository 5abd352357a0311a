using DigitForge.Registry.Gate;
using System.Globalization;
using DigitForge.Engine.Hashing;

namespace DigitForge.HackerNews.Evaluation;

/// <summary>
/// Decides whether a comment-count model may replace production: its MAE must beat always predicting
/// the training median (the cheapest honest predictor), its ranking must reach a minimum Spearman,
/// and its MAE must not grow past production's by more than the tolerance. As in the MNIST gate,
/// metrics from different test sets are not compared: that is a reject saying so.
/// </summary>
public static class NewsGate
{
    public const string MedianBaselineRule = "beatsMedianBaseline";
    public const string SpearmanRule = "minSpearman";
    public const string ProductionRule = "maxMaeIncrease";

    // A margin this small absorbs float error at exact boundaries only.
    private const double Epsilon = 1e-9;

    public static GateDecision Decide(NewsMetrics candidate, NewsMetrics? production, NewsGateConfig config)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(config);
        return new([MedianBaseline(candidate), Spearman(candidate, config), AgainstProduction(candidate, production, config)]);
    }

    private static GateCheck MedianBaseline(NewsMetrics candidate)
    {
        var versus = $"MAE {Comments(candidate.Model.Count.Mae)} vs {Comments(candidate.MedianBaseline.Count.Mae)} for always predicting the training median ({Figure(candidate.MedianBaseline.Prediction)})";
        return candidate.Model.Count.Mae < candidate.MedianBaseline.Count.Mae
            ? new(MedianBaselineRule, true, $"{versus}: beats the baseline")
            : new(MedianBaselineRule, false, $"{versus}: does not beat the baseline");
    }

    private static GateCheck Spearman(NewsMetrics candidate, NewsGateConfig config)
    {
        if (candidate.Model.Count.Spearman is not { } spearman)
            return new(SpearmanRule, false, $"Spearman is undefined (the model predicts the same count for every story); the minimum is {Figure(config.MinSpearman)}");
        return spearman + Epsilon >= config.MinSpearman
            ? new(SpearmanRule, true, $"Spearman {Figure(spearman)} meets the minimum {Figure(config.MinSpearman)}")
            : new(SpearmanRule, false, $"Spearman {Figure(spearman)} is below the minimum {Figure(config.MinSpearman)}");
    }

    private static GateCheck AgainstProduction(NewsMetrics candidate, NewsMetrics? production, NewsGateConfig config)
    {
        if (production is null)
            return new(ProductionRule, true, "no production model yet: nothing to compare with");

        if (production.TestSet != candidate.TestSet)
        {
            return new(ProductionRule, false,
                $"cannot compare with production: it was measured on test set {ContentHash.Short(production.TestSet)}, "
                + $"the candidate on {ContentHash.Short(candidate.TestSet)}; re-evaluate production on the same test set or promote with force");
        }

        var mae = candidate.Model.Count.Mae;
        var productionMae = production.Model.Count.Mae;
        var versus = $"MAE {Comments(mae)} vs production {Comments(productionMae)}";
        if (mae <= productionMae)
            return new(ProductionRule, true, $"{versus}: no increase");

        var increase = productionMae > 0 ? (mae - productionMae) / productionMae : double.PositiveInfinity;
        return increase <= config.MaxMaeIncrease + Epsilon
            ? new(ProductionRule, true, $"{versus}: increase of {Percent(increase)} is within the allowed {Percent(config.MaxMaeIncrease)}")
            : new(ProductionRule, false, $"{versus}: increase of {Percent(increase)} exceeds the allowed {Percent(config.MaxMaeIncrease)}");
    }

    private static string Figure(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string Comments(double value) => value.ToString("0.00##", CultureInfo.InvariantCulture) + " comments";

    private static string Percent(double fraction) => (fraction * 100).ToString("0.00##", CultureInfo.InvariantCulture) + " %";
}
