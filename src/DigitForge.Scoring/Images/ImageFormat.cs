namespace DigitForge.Scoring.Images;

/// <summary>The encodings the tool reads, recognised by their first bytes, never by the file name.</summary>
public enum ImageFormat
{
    Png,
    Jpeg,
    Bmp,
    Gif,
}
