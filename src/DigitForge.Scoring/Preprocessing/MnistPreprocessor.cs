using System.Runtime.Intrinsics;
using DigitForge.Scoring.Images;

namespace DigitForge.Scoring.Preprocessing;

/// <summary>
/// The preparation MNIST's own digits went through, so a scan or photo of a digit looks like what the
/// model learned: grey, inverted when dark on light, background and noise set to 0 and the ink
/// stretched to 255 (<see cref="InkLevels"/>), cropped to the ink's bounding box, fitted into a 20x20
/// box keeping the aspect ratio (area averaging), and placed in the 28x28 field so that its centre of
/// mass is at the centre (14, 14), shifted by whole pixels. Scaled for other input sizes. An MNIST
/// digit comes out as it went in.
/// </summary>
public sealed class MnistPreprocessor : IDigitPreprocessor
{
    /// <summary>Below this many grey levels between background and ink, an image is taken as blank.</summary>
    public const int MinimumContrast = 32;

    // MNIST: a 20-pixel box in a 28-pixel field.
    private const double FitRatio = 20.0 / 28.0;

    private const int StackLimit = 4096;

    private readonly int rows;
    private readonly int columns;
    private readonly int fitRows;
    private readonly int fitColumns;

    public MnistPreprocessor(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        (this.rows, this.columns) = (rows, columns);
        fitRows = Math.Max(1, (int)Math.Round(rows * FitRatio));
        fitColumns = Math.Max(1, (int)Math.Round(columns * FitRatio));
    }

    public void Prepare(GreyImage image, Span<byte> target)
    {
        var pixels = image.Pixels;
        var ink = InkLevels.Measure(pixels, image.Width, image.Height);
        if (ink.Contrast < MinimumContrast)
        {
            throw new UnreadableImageException($"no digit found: the image is blank (contrast {Math.Max(0, ink.Contrast)} of 255 grey levels)");
        }

        Span<float> levels = stackalloc float[256];
        ink.Fill(levels);
        var box = InkBox(pixels, image.Width, image.Height, ink);
        var scale = Math.Min((double)fitColumns / box.Width, (double)fitRows / box.Height);
        var width = Math.Clamp((int)Math.Round(box.Width * scale), 1, fitColumns);
        var height = Math.Clamp((int)Math.Round(box.Height * scale), 1, fitRows);

        // At most 20x20 for MNIST's size: on the stack, so small images allocate nothing.
        var fitted = width * height <= StackLimit ? stackalloc float[width * height] : new float[width * height];
        if (width == box.Width && height == box.Height)
        {
            Copy(pixels, image.Width, box, levels, fitted);
        }
        else
        {
            AreaResampler.Resize(pixels, image.Width, box, levels, fitted, width, height);
        }

        var digit = width * height <= StackLimit ? stackalloc byte[width * height] : new byte[width * height];
        ToBytes(fitted, digit);
        Place(digit, width, height, target);
    }

    /// <summary>The smallest rectangle holding every pixel brighter than the background: those whose
    /// level is above the floor (<see cref="InkLevels.Level"/> &gt; 0), found a row at a time with
    /// vectorised range searches rather than a level lookup per pixel.</summary>
    private static Region InkBox(ReadOnlySpan<byte> pixels, int width, int height, InkLevels ink)
    {
        // Contrast is at least MinimumContrast, so the floor is below 255 and the range is not empty.
        var (low, high) = ink.Inverted ? ((byte)0, (byte)(254 - ink.Floor)) : ((byte)(ink.Floor + 1), (byte)255);
        var (left, top, right, bottom) = (width, height, -1, -1);
        for (var y = 0; y < height; y++)
        {
            var row = pixels.Slice(y * width, width);
            var first = row.IndexOfAnyInRange(low, high);
            if (first >= 0)
            {
                (left, right) = (Math.Min(left, first), Math.Max(right, row.LastIndexOfAnyInRange(low, high)));
                (top, bottom) = (Math.Min(top, y), y);
            }
        }

        return new Region(left, top, right - left + 1, bottom - top + 1);
    }

    private static void Copy(ReadOnlySpan<byte> pixels, int sourceWidth, Region box, ReadOnlySpan<float> levels, Span<float> target)
    {
        for (var y = 0; y < box.Height; y++)
        {
            var row = pixels.Slice(((box.Top + y) * sourceWidth) + box.Left, box.Width);
            for (var x = 0; x < box.Width; x++)
            {
                target[(y * box.Width) + x] = levels[row[x]];
            }
        }
    }

    /// <summary>Rounds to bytes, stretching so the strongest pixel is 255 (shrinking thin strokes dims them).</summary>
    internal static void ToBytes(ReadOnlySpan<float> fitted, Span<byte> digit)
    {
        var i = 0;
        var most = Vector256<float>.Zero;
        for (; i <= fitted.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            most = Vector256.Max(most, Vector256.Create(fitted.Slice(i, Vector256<float>.Count)));
        }

        var max = 0f;
        for (var k = 0; k < Vector256<float>.Count; k++)
        {
            max = Math.Max(max, most[k]);
        }

        for (; i < fitted.Length; i++)
        {
            max = Math.Max(max, fitted[i]);
        }

        // Eight at a time, rounding to nearest even as MathF.Round does: the same bytes as one at a time.
        var gain = max > 0 ? 255f / max : 0f;
        var (scale, top) = (Vector256.Create(gain), Vector256.Create(255f));
        Span<int> rounded = stackalloc int[Vector256<int>.Count];
        for (i = 0; i <= fitted.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var value = Vector256.Round(Vector256.Create(fitted.Slice(i, Vector256<float>.Count)) * scale);
            Vector256.ConvertToInt32(Vector256.Min(Vector256.Max(value, Vector256<float>.Zero), top)).CopyTo(rounded);
            for (var k = 0; k < rounded.Length; k++)
            {
                digit[i + k] = (byte)rounded[k];
            }
        }

        for (; i < fitted.Length; i++)
        {
            digit[i] = (byte)Math.Clamp(MathF.Round(fitted[i] * gain), 0, 255);
        }
    }

    /// <summary>Copies the fitted digit into the cleared field at the whole-pixel offset that brings its
    /// centre of mass closest to the field's centre, kept inside the field.</summary>
    private void Place(ReadOnlySpan<byte> digit, int width, int height, Span<byte> target)
    {
        // Whole-number sums: exact, as the doubles they replace were, and cheaper per pixel.
        long mass = 0, sumX = 0, sumY = 0;
        for (var y = 0; y < height; y++)
        {
            var row = digit.Slice(y * width, width);
            long rowMass = 0;
            for (var x = 0; x < row.Length; x++)
            {
                rowMass += row[x];
                sumX += x * row[x];
            }

            mass += rowMass;
            sumY += y * rowMass;
        }

        var left = Math.Clamp((int)Math.Round((columns / 2.0) - ((double)sumX / mass)), 0, columns - width);
        var top = Math.Clamp((int)Math.Round((rows / 2.0) - ((double)sumY / mass)), 0, rows - height);
        target.Clear();
        for (var y = 0; y < height; y++)
        {
            digit.Slice(y * width, width).CopyTo(target.Slice(((top + y) * columns) + left, width));
        }
    }
}
