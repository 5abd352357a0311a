namespace DigitForge.Scoring.Preprocessing;

/// <summary>
/// Where the ink is in an image's grey levels: whether the digit is dark on light (and so inverted),
/// the level up to which pixels are background (paper texture and sensor noise included), and the
/// strongest ink. Maps each grey level to an intensity, 0 for background and 255 for the strongest ink.
/// </summary>
internal readonly record struct InkLevels(bool Inverted, int Floor, int Peak)
{
    /// <summary>Spread of background noise that still counts as background, in robust standard deviations.</summary>
    private const double NoiseDeviations = 3;

    // The median absolute deviation times this estimates the standard deviation of normal noise.
    private const double MadToDeviation = 1.4826;

    public int Contrast => Peak - Floor;

    /// <summary>
    /// The background is read from the image's outermost pixels (a digit is framed by background):
    /// their median decides the polarity (light border: dark-on-light, inverted), and their median
    /// plus three robust deviations is the floor. A clean MNIST image has floor 0 and peak 255, so its
    /// levels map to themselves.
    /// </summary>
    public static InkLevels Measure(ReadOnlySpan<byte> pixels, int width, int height)
    {
        Span<int> border = stackalloc int[256];
        for (var x = 0; x < width; x++)
        {
            border[pixels[x]]++;
            border[pixels[((height - 1) * width) + x]] += height > 1 ? 1 : 0;
        }

        for (var y = 1; y < height - 1; y++)
        {
            border[pixels[y * width]]++;
            border[pixels[(y * width) + width - 1]] += width > 1 ? 1 : 0;
        }

        var inverted = Median(border) > 127;
        if (inverted)
        {
            border.Reverse();
        }

        var background = Median(border);
        Span<int> deviations = stackalloc int[256];
        for (var level = 0; level < 256; level++)
        {
            deviations[Math.Abs(level - background)] += border[level];
        }

        var floor = Math.Min(255, background + (int)Math.Ceiling(NoiseDeviations * MadToDeviation * Median(deviations)));
        var strongest = inverted ? 255 - Min(pixels) : Max(pixels);
        return new InkLevels(inverted, floor, strongest);
    }

    /// <summary>The intensity of grey level <paramref name="grey"/>: 0 up to the floor, 255 at the peak.</summary>
    public float Level(int grey)
    {
        var value = Inverted ? 255 - grey : grey;
        return value <= Floor ? 0f : (value - Floor) * 255f / Contrast;
    }

    /// <summary>Fills a 256-entry map from grey level to <see cref="Level"/>.</summary>
    public void Fill(Span<float> levels)
    {
        for (var grey = 0; grey < 256; grey++)
        {
            levels[grey] = Level(grey);
        }
    }

    private static int Median(ReadOnlySpan<int> histogram)
    {
        var total = 0L;
        foreach (var count in histogram)
        {
            total += count;
        }

        var seen = 0L;
        for (var level = 0; level < histogram.Length; level++)
        {
            seen += histogram[level];
            if (seen * 2 >= total)
            {
                return level;
            }
        }

        return histogram.Length - 1;
    }

    private static int Max(ReadOnlySpan<byte> pixels)
    {
        var max = 0;
        foreach (var pixel in pixels)
        {
            max = Math.Max(max, pixel);
        }

        return max;
    }

    private static int Min(ReadOnlySpan<byte> pixels)
    {
        var min = 255;
        foreach (var pixel in pixels)
        {
            min = Math.Min(min, pixel);
        }

        return min;
    }
}
