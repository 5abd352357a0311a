using DigitForge.Data;

namespace DigitForge.Scoring.Tests;

/// <summary>One 28x28 MNIST digit (white on black) and helpers to draw it the ways people's images come.</summary>
internal sealed record Digit(byte[] Pixels, int Label)
{
    public const int Side = 28;

    public static Digit From(LabelledImages images, int index) => new(images.Image(index).ToArray(), images.Labels[index]);

    public Digit Inverted() => this with { Pixels = [.. Pixels.Select(p => (byte)(255 - p))] };

    /// <summary>The digit scaled up <paramref name="factor"/> times (each pixel a block).</summary>
    public (int Width, int Height, byte[] Pixels) Enlarged(int factor)
    {
        var side = Side * factor;
        var pixels = new byte[side * side];
        for (var y = 0; y < side; y++)
        {
            for (var x = 0; x < side; x++)
            {
                pixels[(y * side) + x] = Pixels[((y / factor) * Side) + (x / factor)];
            }
        }

        return (side, side, pixels);
    }

    /// <summary>The digit pasted at (<paramref name="left"/>, <paramref name="top"/>) of a larger black canvas.</summary>
    public (int Width, int Height, byte[] Pixels) OnCanvas(int width, int height, int left, int top)
    {
        var pixels = new byte[width * height];
        for (var y = 0; y < Side; y++)
        {
            Pixels.AsSpan(y * Side, Side).CopyTo(pixels.AsSpan(((top + y) * width) + left));
        }

        return (width, height, pixels);
    }

    /// <summary>Grey samples repeated into <paramref name="channels"/> (alpha, when asked, fully opaque).</summary>
    public static ushort[] Samples(byte[] grey, int channels, int scale = 1, bool alpha = false) =>
        [.. grey.SelectMany(p => Enumerable.Range(0, channels).Select(c => (ushort)(alpha && c == channels - 1 ? 255 * scale : p * scale)))];

    public static byte[] Interleave(byte[] grey, int channels) =>
        [.. grey.SelectMany(p => Enumerable.Repeat(p, channels))];
}
