using DigitForge.Training.Loop;

namespace DigitForge.Evaluation.Robustness;

/// <summary>
/// Pure operations on one greyscale image (row-major bytes, 0 = background, 255 = ink): the
/// building blocks of the robustness shifts. Each reads <c>source</c> and writes a same-sized
/// <c>target</c>; results are rounded to the nearest byte and clamped to [0, 255]. Random ones
/// take a seeded <see cref="SplitMix64"/>, so the same generator state gives the same bytes.
/// </summary>
public static class ImageShifts
{
    /// <summary>Grey-level dilation with a 3x3 square: every pixel becomes the maximum of its neighbourhood (strokes grow 1 px each side).</summary>
    public static void Dilate(ReadOnlySpan<byte> source, Span<byte> target, int rows, int columns) =>
        Neighbourhood(source, target, rows, columns, maximum: true);

    /// <summary>Grey-level erosion with a 3x3 square: every pixel becomes the minimum of its neighbourhood (strokes shrink 1 px each side).</summary>
    public static void Erode(ReadOnlySpan<byte> source, Span<byte> target, int rows, int columns) =>
        Neighbourhood(source, target, rows, columns, maximum: false);

    /// <summary>Gaussian blur of standard deviation <paramref name="sigma"/> pixels (kernel radius ⌈3σ⌉, outside pixels are background).</summary>
    public static void Blur(ReadOnlySpan<byte> source, Span<byte> target, int rows, int columns, double sigma)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        var radius = (int)Math.Ceiling(3 * sigma);
        var kernel = new double[2 * radius + 1];
        for (var k = -radius; k <= radius; k++)
        {
            kernel[k + radius] = Math.Exp(-k * k / (2 * sigma * sigma));
        }

        var sum = kernel.Sum();
        for (var k = 0; k < kernel.Length; k++)
        {
            kernel[k] /= sum;
        }

        // Separable: along rows into a float buffer, then along columns.
        var horizontal = new double[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                double value = 0;
                for (var k = -radius; k <= radius; k++)
                {
                    var cc = c + k;
                    if (cc >= 0 && cc < columns)
                    {
                        value += kernel[k + radius] * source[r * columns + cc];
                    }
                }

                horizontal[r * columns + c] = value;
            }
        }

        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                double value = 0;
                for (var k = -radius; k <= radius; k++)
                {
                    var rr = r + k;
                    if (rr >= 0 && rr < rows)
                    {
                        value += kernel[k + radius] * horizontal[rr * columns + c];
                    }
                }

                target[r * columns + c] = ToByte(value);
            }
        }
    }

    /// <summary>
    /// A low-resolution capture scaled back up: area-averaged down to <paramref name="size"/> x
    /// <paramref name="size"/>, then bilinear up to the original size (pixel centres aligned).
    /// </summary>
    public static void LowResolution(ReadOnlySpan<byte> source, Span<byte> target, int rows, int columns, int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var down = AreaWeights(rows, size);
        var across = AreaWeights(columns, size);
        // Separable: across the columns of each row, then down the rows.
        var narrow = new double[rows * size];
        for (var r = 0; r < rows; r++)
        {
            for (var j = 0; j < size; j++)
            {
                double value = 0;
                for (var c = 0; c < columns; c++)
                {
                    value += across[j, c] * source[r * columns + c];
                }

                narrow[r * size + j] = value;
            }
        }

        var small = new double[size * size];
        for (var i = 0; i < size; i++)
        {
            for (var j = 0; j < size; j++)
            {
                double value = 0;
                for (var r = 0; r < rows; r++)
                {
                    value += down[i, r] * narrow[r * size + j];
                }

                small[i * size + j] = value;
            }
        }

        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var y = Math.Clamp((r + 0.5) * size / rows - 0.5, 0, size - 1);
                var x = Math.Clamp((c + 0.5) * size / columns - 0.5, 0, size - 1);
                target[r * columns + c] = ToByte(Bilinear(small, size, size, y, x, outside: 0));
            }
        }
    }

    /// <summary>
    /// Rotation by <paramref name="degrees"/> (counter-clockwise on screen) about the image centre,
    /// then a shift of (<paramref name="right"/>, <paramref name="down"/>) pixels; bilinear sampling,
    /// what comes from outside the image is background.
    /// </summary>
    public static void RotateAndShift(ReadOnlySpan<byte> source, Span<byte> target, int rows, int columns, double degrees, double right, double down)
    {
        // Rows grow downwards, so counter-clockwise on screen is a negative angle in (x right, y down).
        var (sin, cos) = Math.SinCos(-degrees * Math.PI / 180);
        double cy = (rows - 1) / 2.0, cx = (columns - 1) / 2.0;
        var pixels = new double[source.Length];
        for (var i = 0; i < source.Length; i++)
        {
            pixels[i] = source[i];
        }

        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                // Inverse map: undo the shift, then rotate by -angle.
                double dx = c - right - cx, dy = r - down - cy;
                var x = cos * dx + sin * dy + cx;
                var y = -sin * dx + cos * dy + cy;
                target[r * columns + c] = ToByte(Bilinear(pixels, rows, columns, y, x, outside: 0));
            }
        }
    }

    /// <summary>Adds independent Gaussian noise of standard deviation <paramref name="sigma"/> grey levels to every pixel.</summary>
    public static void Noise(ReadOnlySpan<byte> source, Span<byte> target, double sigma, SplitMix64 random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (var i = 0; i < source.Length; i++)
        {
            target[i] = ToByte(source[i] + sigma * Gaussian(random));
        }
    }

    /// <summary>
    /// Dark ink on grey paper: the background becomes <paramref name="background"/>, full ink black,
    /// linearly in between (0 → background, 255 → 0).
    /// </summary>
    public static void InvertOnGrey(ReadOnlySpan<byte> source, Span<byte> target, byte background)
    {
        for (var i = 0; i < source.Length; i++)
        {
            target[i] = ToByte(background * (255 - source[i]) / 255.0);
        }
    }

    /// <summary>A standard normal draw (Box–Muller; one of the pair, so each draw takes two uniforms).</summary>
    public static double Gaussian(SplitMix64 random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var u = 1.0 - random.NextDouble(); // (0, 1]: the logarithm stays finite
        var v = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    private static void Neighbourhood(ReadOnlySpan<byte> source, Span<byte> target, int rows, int columns, bool maximum)
    {
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                // Only pixels inside the image count: the border is not padded with background,
                // which would erode every edge pixel away.
                var best = source[r * columns + c];
                for (var rr = Math.Max(r - 1, 0); rr <= Math.Min(r + 1, rows - 1); rr++)
                {
                    for (var cc = Math.Max(c - 1, 0); cc <= Math.Min(c + 1, columns - 1); cc++)
                    {
                        var p = source[rr * columns + cc];
                        best = maximum ? Math.Max(best, p) : Math.Min(best, p);
                    }
                }

                target[r * columns + c] = best;
            }
        }
    }

    // weights[i, r]: the share of source pixel r in output cell i (each row sums to 1).
    private static double[,] AreaWeights(int from, int to)
    {
        var weights = new double[to, from];
        var scale = (double)from / to;
        for (var i = 0; i < to; i++)
        {
            double start = i * scale, end = (i + 1) * scale;
            for (var r = (int)Math.Floor(start); r < Math.Min(from, (int)Math.Ceiling(end)); r++)
            {
                weights[i, r] = (Math.Min(end, r + 1) - Math.Max(start, r)) / scale;
            }
        }

        return weights;
    }

    private static double Bilinear(double[] pixels, int rows, int columns, double y, double x, double outside)
    {
        var r0 = (int)Math.Floor(y);
        var c0 = (int)Math.Floor(x);
        double fy = y - r0, fx = x - c0;
        double At(int r, int c) => r >= 0 && r < rows && c >= 0 && c < columns ? pixels[r * columns + c] : outside;
        return (1 - fy) * ((1 - fx) * At(r0, c0) + fx * At(r0, c0 + 1))
            + fy * ((1 - fx) * At(r0 + 1, c0) + fx * At(r0 + 1, c0 + 1));
    }

    private static byte ToByte(double value) => (byte)Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), 0, 255);
}
