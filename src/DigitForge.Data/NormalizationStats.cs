namespace DigitForge.Data;

/// <summary>
/// Mean and standard deviation of pixel intensities scaled to [0, 1]; the model sees
/// (pixel / 255 - Mean) / Std. Computed on the training split only.
/// </summary>
public sealed record NormalizationStats(double Mean, double Std)
{
    /// <summary>Population mean and standard deviation over every pixel of <paramref name="images"/>.</summary>
    public static NormalizationStats Compute(LabelledImages images)
    {
        // A histogram of the 256 byte values makes this exact and independent of summation order.
        var histogram = new long[256];
        foreach (var pixel in images.Pixels)
        {
            histogram[pixel]++;
        }

        double count = images.Pixels.Length;
        double sum = 0;
        double squares = 0;
        for (var value = 0; value < 256; value++)
        {
            var scaled = value / 255.0;
            sum += histogram[value] * scaled;
            squares += histogram[value] * scaled * scaled;
        }

        var mean = sum / count;
        var variance = Math.Max(0, (squares / count) - (mean * mean));
        return new NormalizationStats(mean, Math.Sqrt(variance));
    }
}
