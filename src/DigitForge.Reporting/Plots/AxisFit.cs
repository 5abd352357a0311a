using ScottPlot;

namespace DigitForge.Reporting.Plots;

/// <summary>
/// An axis fitted to the data it shows: ScottPlot's own autoscale widens a flat series (the same
/// accuracy run after run) far past anything the metric can take, up to 1.8 for an accuracy of 0.99.
/// </summary>
public static class AxisFit
{
    /// <summary>The margin on each side, as a share of the data's span.</summary>
    public const double Margin = 0.1;

    /// <summary>
    /// From the lowest to the highest value, widened by <see cref="Margin"/> but never past the
    /// metric's domain [<paramref name="min"/>, <paramref name="max"/>]; a value outside it is still shown.
    /// </summary>
    /// <param name="flat">The half-width when every value is the same; default: a tenth of the value (at least 0.01).</param>
    public static CoordinateRange Range(IReadOnlyCollection<double> values, double min = double.NegativeInfinity, double max = double.PositiveInfinity, double? flat = null)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("an axis needs at least one value to fit", nameof(values));
        }

        var (low, high) = (values.Min(), values.Max());
        var pad = high > low ? (high - low) * Margin : flat ?? Math.Max(Math.Abs(high) * Margin, 0.01);
        return new CoordinateRange(Math.Min(low, Math.Max(min, low - pad)), Math.Max(high, Math.Min(max, high + pad)));
    }
}
