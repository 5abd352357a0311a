namespace DigitForge.HackerNews.Evaluation;

/// <summary>
/// Errors of one predictor on one scale. <see cref="R2"/> is null when every actual value is the same
/// and <see cref="Spearman"/> when either side is constant (a baseline's constant prediction has no ranking).
/// </summary>
public sealed record ScaleMetrics(double? R2, double Mae, double Rmse, double? Spearman);

/// <summary>Regression metrics as pure functions of actual and predicted values.</summary>
public static class RegressionMath
{
    public static ScaleMetrics Measure(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        Check(actual, predicted);
        return new ScaleMetrics(R2(actual, predicted), Mae(actual, predicted), Rmse(actual, predicted), Spearman(actual, predicted));
    }

    public static double Mae(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        Check(actual, predicted);
        return actual.Select((a, i) => Math.Abs(predicted[i] - a)).Average();
    }

    /// <summary>Mean of predicted minus actual: positive when the predictor over-estimates.</summary>
    public static double MeanSignedError(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        Check(actual, predicted);
        return actual.Select((a, i) => predicted[i] - a).Average();
    }

    public static double Rmse(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        Check(actual, predicted);
        return Math.Sqrt(actual.Select((a, i) => (predicted[i] - a) * (predicted[i] - a)).Average());
    }

    /// <summary>1 - residual sum of squares / total sum of squares around the actual mean; negative when worse than that mean.</summary>
    public static double? R2(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        Check(actual, predicted);
        var mean = actual.Average();
        var total = actual.Sum(a => (a - mean) * (a - mean));
        if (total == 0)
            return null;
        var residual = actual.Select((a, i) => (predicted[i] - a) * (predicted[i] - a)).Sum();
        return 1 - residual / total;
    }

    /// <summary>Pearson correlation of the ranks, tied values sharing their average rank.</summary>
    public static double? Spearman(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        Check(actual, predicted);
        return Engine.Statistics.RankCorrelation.Spearman(actual, predicted);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static void Check(IReadOnlyList<double> actual, IReadOnlyList<double> predicted)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(predicted);
        if (actual.Count != predicted.Count)
            throw new ArgumentException($"{actual.Count} actual values but {predicted.Count} predictions.");
        if (actual.Count == 0)
            throw new ArgumentException("No values to measure.");
    }
}
