namespace DigitForge.Engine.Statistics;

/// <summary>Spearman's rank correlation, shared by the pipelines' evaluations and the live monitor.</summary>
public static class RankCorrelation
{
    /// <summary>Pearson correlation of the ranks, tied values sharing their average rank; null when either side is constant or there are fewer than 2 pairs.</summary>
    public static double? Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"{x.Count} values against {y.Count}", nameof(y));
        }

        return x.Count < 2 ? null : Pearson(Ranks(x), Ranks(y));
    }

    /// <summary>1-based ranks; a run of equal values gets the mean of the ranks it spans.</summary>
    public static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            var rank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++)
            {
                ranks[order[k]] = rank;
            }

            start = end + 1;
        }

        return ranks;
    }

    private static double? Pearson(double[] x, double[] y)
    {
        var meanX = x.Average();
        var meanY = y.Average();
        double xy = 0, xx = 0, yy = 0;
        for (var i = 0; i < x.Length; i++)
        {
            xy += (x[i] - meanX) * (y[i] - meanY);
            xx += (x[i] - meanX) * (x[i] - meanX);
            yy += (y[i] - meanY) * (y[i] - meanY);
        }

        return xx == 0 || yy == 0 ? null : xy / Math.Sqrt(xx * yy);
    }
}
