namespace DigitForge.Scoring.Images;

/// <summary>
/// Identifies a file's format from its first bytes and reads its size, checking the structure far
/// enough to tell a truncated or damaged file from a good one, all before any pixel is decoded,
/// so the pixel cap (decompression bombs) and truncation are decided on the header alone.
/// </summary>
public static class ImageHeaderReader
{
    public static ImageHeader Read(ReadOnlySpan<byte> file)
    {
        if (file.IsEmpty)
        {
            throw new UnreadableImageException("empty file (0 bytes)");
        }

        var header = PngHeader.Matches(file) ? PngHeader.Read(file)
            : JpegHeader.Matches(file) ? JpegHeader.Read(file)
            : GifHeader.Matches(file) ? GifHeader.Read(file)
            : BmpHeader.Matches(file) ? BmpHeader.Read(file)
            : throw new UnreadableImageException($"not a PNG, JPEG, BMP or GIF image (first bytes {Convert.ToHexString(file[..Math.Min(8, file.Length)])})");
        return header.Width > 0 && header.Height > 0
            ? header
            : throw new UnreadableImageException($"damaged {header.Format.ToString().ToUpperInvariant()}: size {header.Width}x{header.Height}");
    }
}
