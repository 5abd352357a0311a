using DigitForge.Data;

namespace DigitForge.Training.Tests;

/// <summary>
/// Separable 28x28 stand-ins for digits: class k is a bright 4x4 block at one of ten places
/// (five columns, two rows), jittered by up to one pixel, on faint noise.
/// </summary>
internal static class SyntheticDigits
{
    public const int Side = 28;

    public static readonly NormalizationStats Stats = new(0.1, 0.3);

    public static LabelledImages Make(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * Side * Side];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            var label = i % 10;
            labels[i] = (byte)label;
            var image = pixels.AsSpan(i * Side * Side, Side * Side);
            for (var p = 0; p < image.Length; p++)
            {
                image[p] = (byte)random.Next(0, 40);
            }

            var x0 = 2 + (label % 5) * 5 + random.Next(-1, 2);
            var y0 = 6 + (label / 5) * 12 + random.Next(-1, 2);
            for (var y = y0; y < y0 + 4; y++)
            {
                for (var x = x0; x < x0 + 4; x++)
                {
                    image[y * Side + x] = (byte)random.Next(180, 256);
                }
            }
        }

        return new LabelledImages(pixels, labels, Side, Side);
    }
}
