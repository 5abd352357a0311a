using StbImageWriteSharp;

namespace DigitForge.Mnist.Reporting;

/// <summary>A test image as a PNG, enlarged by whole pixels so a 28x28 digit is visible on a page.</summary>
public static class DigitImage
{
    public static byte[] Png(ReadOnlySpan<byte> pixels, int rows, int columns, int scale = 3)
    {
        var enlarged = new byte[rows * scale * columns * scale];
        for (var y = 0; y < rows * scale; y++)
        {
            for (var x = 0; x < columns * scale; x++)
            {
                enlarged[y * columns * scale + x] = pixels[y / scale * columns + x / scale];
            }
        }

        using var png = new MemoryStream();
        new ImageWriter().WritePng(enlarged, columns * scale, rows * scale, ColorComponents.Grey, png);
        return png.ToArray();
    }
}
