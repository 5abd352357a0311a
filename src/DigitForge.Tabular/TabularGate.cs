using DigitForge.Engine.Config;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Pipelines;
using DigitForge.Registry.Gate;

namespace DigitForge.Tabular;

/// <summary>
/// Decides whether a tabular model may replace production: each metric of the recipe's thresholds must reach its
/// bound in the metric's sense, a regression must beat always predicting the training mean, and the headline metric
/// must not be worse than production's by more than the allowed share. Metrics of different test sets are not compared.
/// </summary>
public static class TabularGate
{
    public const string MeanBaselineRule = "beatsMeanBaseline";
    public const string ProductionRule = "maxHeadlineLoss";

    // A margin this small absorbs float error at exact boundaries only.
    private const double Epsilon = 1e-9;

    /// <summary>Refuses a threshold on a metric the task does not record, naming the recipe key.</summary>
    public static void Check(TabularGateConfig config, TabularTask task)
    {
        var specs = TabularMetrics.Specs(task);
        if (config.Thresholds.Keys.FirstOrDefault(k => specs.All(s => s.Name != k)) is { } unknown)
        {
            throw new ConfigException($"'promote.thresholds.{unknown}': not a metric of a {task.ToString().ToLowerInvariant()} task; metrics are {string.Join(", ", specs.Select(s => s.Name))}");
        }
    }

    public static GateDecision Decide(TabularMetrics candidate, TabularMetrics? production, TabularGateConfig config, TabularTask task)
    {
        var specs = TabularMetrics.Specs(task);
        var figures = candidate.Figures();
        var checks = new List<GateCheck>();
        foreach (var (name, bound) in config.Thresholds.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            var spec = specs.Single(s => s.Name == name);
            var higher = spec.Sense == MetricSense.HigherIsBetter;
            if (!figures.TryGetValue(name, out var value))
            {
                checks.Add(new(name, false, $"{name} is undefined on this test set; the bound is {spec.Format(bound)}"));
                continue;
            }

            var passed = higher ? value + Epsilon >= bound : value - Epsilon <= bound;
            checks.Add(new(name, passed, $"{name} {spec.Format(value)} {(passed ? "meets" : "misses")} the {(higher ? "minimum" : "maximum")} {spec.Format(bound)}"));
        }

        if (candidate.Regression is { } regression)
        {
            var versus = $"MAE {regression.Mae:0.####} vs {regression.MeanBaselineMae:0.####} for always predicting the training mean";
            checks.Add(new(MeanBaselineRule, regression.Mae < regression.MeanBaselineMae, $"{versus}: {(regression.Mae < regression.MeanBaselineMae ? "beats" : "does not beat")} the baseline"));
        }

        checks.Add(AgainstProduction(candidate, production, config, specs[0]));
        return new(checks);
    }

    private static GateCheck AgainstProduction(TabularMetrics candidate, TabularMetrics? production, TabularGateConfig config, MetricSpec headline)
    {
        if (production is null)
        {
            return new(ProductionRule, true, "no production model yet: nothing to compare with");
        }

        if (production.TestSet != candidate.TestSet)
        {
            return new(ProductionRule, false,
                $"cannot compare with production: it was measured on test set {ContentHash.Short(production.TestSet)}, the candidate on {ContentHash.Short(candidate.TestSet)}; promote with force");
        }

        var value = candidate.Figures()[headline.Name];
        var reference = production.Figures()[headline.Name];
        var loss = headline.Sense == MetricSense.HigherIsBetter ? reference - value : value - reference;
        var allowed = Math.Abs(reference) * config.MaxHeadlineLoss;
        var versus = $"{headline.Name} {headline.Format(value)} vs production {headline.Format(reference)}";
        return loss <= allowed + Epsilon
            ? new(ProductionRule, true, $"{versus}: within the allowed loss of {config.MaxHeadlineLoss:P2}")
            : new(ProductionRule, false, $"{versus}: worse by more than the allowed {config.MaxHeadlineLoss:P2}");
    }
}
