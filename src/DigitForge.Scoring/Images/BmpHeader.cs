namespace DigitForge.Scoring.Images;

/// <summary>BMP: the size from the info header, the compressions the decoders support (none and bit
/// fields through StbImageSharp, RLE8 and RLE4 through <see cref="BmpRle"/>), and a file long enough for
/// every pixel row (a short one otherwise decodes with black rows; RLE data is checked as it is decoded).</summary>
internal static class BmpHeader
{
    private const int FileHeaderSize = 14;

    public static bool Matches(ReadOnlySpan<byte> file) => file.Length >= 2 && file[0] == (byte)'B' && file[1] == (byte)'M';

    public static ImageHeader Read(ReadOnlySpan<byte> file)
    {
        var reader = new ByteReader(file, "BMP");
        var pixelOffset = reader.U32Le(10);
        var infoSize = reader.U32Le(FileHeaderSize);
        int width, height, bitsPerPixel;
        uint compression = 0;
        if (infoSize == 12)
        {
            // OS/2 BITMAPCOREHEADER: 16-bit sizes.
            (width, height, bitsPerPixel) = (reader.U16Le(18), reader.U16Le(20), reader.U16Le(24));
        }
        else if (infoSize is 40 or 52 or 56 or 108 or 124)
        {
            (width, height, bitsPerPixel) = (reader.I32Le(18), reader.I32Le(22), reader.U16Le(28));
            compression = reader.U32Le(30);
        }
        else
        {
            throw reader.Damaged($"unknown info header size {infoSize}");
        }

        if (compression is not (0 or 3 or BmpRle.Rle8 or BmpRle.Rle4))
        {
            throw new UnreadableImageException($"unsupported BMP compression {compression}");
        }

        if (compression is BmpRle.Rle8 or BmpRle.Rle4)
        {
            var needed = compression == BmpRle.Rle8 ? 8 : 4;
            return bitsPerPixel != needed ? throw reader.Damaged($"RLE{needed} with {bitsPerPixel} bits per pixel")
                : width <= 0 || height <= 0 ? throw reader.Damaged($"RLE{needed} size {width}x{height} (RLE rows are stored bottom-up)")
                : pixelOffset + 2 > file.Length ? throw reader.Truncated(pixelOffset + 2)
                : new ImageHeader(ImageFormat.Bmp, width, height);
        }

        if (bitsPerPixel is not (1 or 4 or 8 or 16 or 24 or 32))
        {
            throw reader.Damaged($"{bitsPerPixel} bits per pixel");
        }

        // A negative height means rows are stored top-down.
        var rows = Math.Abs((long)height);
        if (width <= 0 || rows == 0 || rows > int.MaxValue)
        {
            throw reader.Damaged($"size {width}x{height}");
        }

        var stride = ((((long)width * bitsPerPixel) + 31) / 32) * 4;
        var end = pixelOffset + (stride * rows);
        return end > file.Length ? throw reader.Truncated(end) : new ImageHeader(ImageFormat.Bmp, width, (int)rows);
    }
}
