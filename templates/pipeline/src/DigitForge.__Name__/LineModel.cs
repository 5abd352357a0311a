namespace DigitForge.__Name__;

/// <summary>A straight line, fitted by (ridge) least squares.</summary>
public sealed record LineModel(double Slope, double Intercept)
{
    public const string FileName = "model.json";

    public double Predict(double x) => Slope * x + Intercept;

    /// <summary>The line minimising the squared errors plus <paramref name="ridge"/> times the squared slope.</summary>
    public static LineModel Fit(IReadOnlyList<Point> points, double ridge)
    {
        if (points.Count == 0)
        {
            throw new ArgumentException("no points to fit a line to", nameof(points));
        }

        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        var covariance = points.Sum(p => (p.X - meanX) * (p.Y - meanY));
        var variance = points.Sum(p => (p.X - meanX) * (p.X - meanX)) + ridge;
        var slope = variance == 0 ? 0 : covariance / variance;
        return new LineModel(slope, meanY - slope * meanX);
    }
}

/// <summary>What Evaluate measures on the test points.</summary>
public sealed record LineMetrics(double Mae, double R2, int TestPoints)
{
    public const string FileName = "metrics.json";

    public static LineMetrics Measure(LineModel model, IReadOnlyList<Point> test)
    {
        var mean = test.Average(p => p.Y);
        var residual = test.Sum(p => Math.Pow(p.Y - model.Predict(p.X), 2));
        var total = test.Sum(p => Math.Pow(p.Y - mean, 2));
        return new LineMetrics(test.Average(p => Math.Abs(p.Y - model.Predict(p.X))), total == 0 ? 0 : 1 - residual / total, test.Count);
    }
}
