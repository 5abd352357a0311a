using DigitForge.Scoring.Images;

namespace DigitForge.Scoring.Preprocessing;

/// <summary>
/// For input that is already MNIST-like (white digit on black, centred): grey only, resized to the
/// model's size by area averaging when it differs (aspect ratio not kept). An image of the model's
/// size reaches the model byte for byte.
/// </summary>
public sealed class RawPreprocessor : IDigitPreprocessor
{
    private static readonly float[] Identity = [.. Enumerable.Range(0, 256).Select(v => (float)v)];

    private readonly int rows;
    private readonly int columns;

    public RawPreprocessor(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        (this.rows, this.columns) = (rows, columns);
    }

    public void Prepare(GreyImage image, Span<byte> target)
    {
        if (image.Width == columns && image.Height == rows)
        {
            image.Pixels.CopyTo(target);
            return;
        }

        var resized = new float[rows * columns];
        AreaResampler.Resize(image.Pixels, image.Width, new Region(0, 0, image.Width, image.Height), Identity, resized, columns, rows);
        for (var i = 0; i < resized.Length; i++)
        {
            target[i] = (byte)Math.Clamp(MathF.Round(resized[i]), 0, 255);
        }
    }
}
