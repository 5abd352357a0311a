using System.Globalization;

namespace DigitForge.Kit.Metrics;

/// <summary>A regression's test figures: mean absolute error, root mean squared error and R² (1 - residual / total variance).</summary>
/// <param name="R2">Null when the test targets are all equal (no variance to explain).</param>
/// <param name="MeanBaselineMae">The MAE of always predicting the training mean: what a useful model beats.</param>
public sealed record RegressionMetrics(int Examples, double Mae, double Rmse, double? R2, double MeanBaselineMae, string TestSet)
{
    public static RegressionMetrics Of(IReadOnlyList<double> truth, IReadOnlyList<double> predicted, double trainingMean, string testSet)
    {
        ArgumentOutOfRangeException.ThrowIfZero(truth.Count);
        var mean = truth.Average();
        var residual = truth.Select((t, i) => (t - predicted[i]) * (t - predicted[i])).Sum();
        var total = truth.Sum(t => (t - mean) * (t - mean));
        return new(
            truth.Count,
            Math.Round(truth.Select((t, i) => Math.Abs(t - predicted[i])).Average(), 6),
            Math.Round(Math.Sqrt(residual / truth.Count), 6),
            total > 0 ? Math.Round(1 - (residual / total), 6) : null,
            Math.Round(truth.Average(t => Math.Abs(t - trainingMean)), 6),
            testSet);
    }

    /// <summary>The headline figures by name, as the run history and the registry record them; R² left out when undefined.</summary>
    public IReadOnlyDictionary<string, double> Figures()
    {
        var figures = new Dictionary<string, double> { ["mae"] = Mae, ["rmse"] = Rmse, ["meanBaselineMae"] = MeanBaselineMae };
        if (R2 is { } r2)
        {
            figures["r2"] = r2;
        }

        return figures;
    }

    public string ToText() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Examples} test examples: MAE {Mae:0.####} (training mean baseline {MeanBaselineMae:0.####}), RMSE {Rmse:0.####}, R² {(R2 is { } r2 ? r2.ToString("0.0000", CultureInfo.InvariantCulture) : "undefined")}\n");
}
