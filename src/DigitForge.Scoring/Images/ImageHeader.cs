namespace DigitForge.Scoring.Images;

/// <summary>What an image file's header says about it, read without decoding a single pixel.</summary>
public readonly record struct ImageHeader(ImageFormat Format, int Width, int Height)
{
    public long Pixels => (long)Width * Height;
}
