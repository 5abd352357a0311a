namespace DigitForge.Scoring.Preprocessing;

/// <summary>
/// Resizes a rectangle of a greyscale image by area averaging: every output pixel is the mean of the
/// source area it covers (partial pixels weighted by overlap). Shrinking keeps thin strokes as grey
/// instead of dropping them; a scale of 1 is an exact copy. Separable: rows first, then columns, so
/// a large image costs one pass over its pixels.
/// </summary>
internal static class AreaResampler
{
    /// <summary>
    /// Resizes <paramref name="source"/>'s <paramref name="region"/> to <paramref name="width"/> x
    /// <paramref name="height"/> floats in <paramref name="target"/>, reading each pixel through
    /// <paramref name="levels"/> (a 256-entry map from byte to intensity).
    /// </summary>
    public static void Resize(ReadOnlySpan<byte> source, int sourceWidth, Region region, ReadOnlySpan<float> levels, Span<float> target, int width, int height)
    {
        var columns = Weights.For(region.Width, width);
        var rows = Weights.For(region.Height, height);
        var horizontal = new float[width * region.Height];
        for (var y = 0; y < region.Height; y++)
        {
            var line = source.Slice(((region.Top + y) * sourceWidth) + region.Left, region.Width);
            var output = horizontal.AsSpan(y * width, width);
            for (var x = 0; x < width; x++)
            {
                var (start, weights) = columns[x];
                var sum = 0f;
                for (var k = 0; k < weights.Length; k++)
                {
                    sum += levels[line[start + k]] * weights[k];
                }

                output[x] = sum;
            }
        }

        for (var y = 0; y < height; y++)
        {
            var (start, weights) = rows[y];
            var output = target.Slice(y * width, width);
            output.Clear();
            for (var k = 0; k < weights.Length; k++)
            {
                var input = horizontal.AsSpan((start + k) * width, width);
                var weight = weights[k];
                for (var x = 0; x < width; x++)
                {
                    output[x] += input[x] * weight;
                }
            }
        }
    }

    /// <summary>For each output pixel along one axis, the first source pixel it covers and the weights of those it covers (summing to 1).</summary>
    private static class Weights
    {
        public static (int Start, float[] Weights)[] For(int sourceSize, int targetSize)
        {
            var scale = (double)sourceSize / targetSize;
            var result = new (int, float[])[targetSize];
            for (var i = 0; i < targetSize; i++)
            {
                var from = i * scale;
                var to = (i + 1) * scale;
                var first = (int)Math.Floor(from);
                var last = Math.Min(sourceSize - 1, (int)Math.Ceiling(to) - 1);
                var weights = new float[last - first + 1];
                for (var s = first; s <= last; s++)
                {
                    weights[s - first] = (float)((Math.Min(to, s + 1) - Math.Max(from, s)) / scale);
                }

                result[i] = (first, weights);
            }

            return result;
        }
    }
}

/// <summary>A rectangle of pixels.</summary>
internal readonly record struct Region(int Left, int Top, int Width, int Height);
