namespace DigitForge.Data;

/// <summary>
/// Greyscale images of one size, stored row-major with one byte per pixel (0 = background),
/// each with a class label. This is the in-memory form every stage exchanges.
/// </summary>
public sealed class LabelledImages
{
    public LabelledImages(byte[] pixels, byte[] labels, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (pixels.Length != (long)labels.Length * rows * columns)
        {
            throw new ArgumentException(
                $"{labels.Length} labels of {rows}x{columns} images need {(long)labels.Length * rows * columns} pixels, got {pixels.Length}.",
                nameof(pixels));
        }

        Pixels = pixels;
        Labels = labels;
        Rows = rows;
        Columns = columns;
    }

    public byte[] Pixels { get; }

    public byte[] Labels { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int Count => Labels.Length;

    public int PixelsPerImage => Rows * Columns;

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>The images at <paramref name="indices"/>, in that order, copied.</summary>
    public LabelledImages Subset(IReadOnlyList<int> indices)
    {
        var pixels = new byte[indices.Count * PixelsPerImage];
        var labels = new byte[indices.Count];
        for (var i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * PixelsPerImage, PixelsPerImage));
            labels[i] = Labels[indices[i]];
        }

        return new LabelledImages(pixels, labels, Rows, Columns);
    }

    /// <summary>These images followed by <paramref name="more"/> of the same size, copied.</summary>
    public LabelledImages Append(LabelledImages more)
    {
        if ((more.Rows, more.Columns) != (Rows, Columns))
        {
            throw new ArgumentException($"cannot append {more.Rows}x{more.Columns} images to {Rows}x{Columns} ones", nameof(more));
        }

        return new LabelledImages([.. Pixels, .. more.Pixels], [.. Labels, .. more.Labels], Rows, Columns);
    }
}
