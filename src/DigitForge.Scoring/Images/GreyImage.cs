namespace DigitForge.Scoring.Images;

/// <summary>
/// A greyscale image, one byte per pixel, row-major, in a buffer that is reused from image to image
/// (one instance per worker), so small images cost no allocation.
/// </summary>
public sealed class GreyImage
{
    private byte[] buffer = [];

    public int Width { get; private set; }

    public int Height { get; private set; }

    public Span<byte> Pixels => buffer.AsSpan(0, Width * Height);

    /// <summary>Makes room for <paramref name="width"/> x <paramref name="height"/> pixels (contents undefined).</summary>
    public void Resize(int width, int height)
    {
        var size = checked(width * height);
        if (buffer.Length < size)
        {
            buffer = new byte[size];
        }

        (Width, Height) = (width, height);
    }

    /// <summary>Lets go of a buffer grown for one large image, so a worker does not keep it for the rest of the run.</summary>
    public void Trim(int maxRetainedBytes)
    {
        if (buffer.Length > maxRetainedBytes)
        {
            buffer = [];
            (Width, Height) = (0, 0);
        }
    }
}
