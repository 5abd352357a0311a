using System.Buffers.Binary;

namespace DigitForge.Scoring.Images;

/// <summary>
/// Run-length encoded BMP (BI_RLE8 and BI_RLE4: what ImageMagick and Windows Paint write for palette
/// images), which StbImageSharp does not read. Decoded straight to grey through the palette's luma
/// (the same BT.601 weights as <see cref="GreyDecoder"/>). Pixels the encoding skips (a delta, a line
/// or the bitmap ended early) take palette index 0, the background by convention.
/// </summary>
internal static class BmpRle
{
    public const uint Rle8 = 1;
    public const uint Rle4 = 2;

    private const int FileHeaderSize = 14;

    /// <summary>True for a BMP whose info header says RLE8 or RLE4.</summary>
    public static bool Matches(ReadOnlySpan<byte> file) =>
        BmpHeader.Matches(file) && file.Length >= 34
        && BinaryPrimitives.ReadUInt32LittleEndian(file[FileHeaderSize..]) >= 40
        && BinaryPrimitives.ReadUInt32LittleEndian(file[30..]) is Rle8 or Rle4;

    public static void Decode(ReadOnlySpan<byte> file, GreyImage target)
    {
        // Sizes, bits per pixel against the compression and the data offset.
        var (_, width, height) = BmpHeader.Read(file);
        var reader = new ByteReader(file, "BMP");
        var rle8 = reader.U32Le(30) == Rle8;
        var grey = Palette(reader, rle8 ? 8 : 4);

        target.Resize(width, height);
        var pixels = target.Pixels;
        pixels.Fill(grey[0]);
        long position = reader.U32Le(10);
        int x = 0, y = 0; // y counts rows from the bottom, as they are stored
        while (y < height)
        {
            int count = reader.U8(position);
            int value = reader.U8(position + 1);
            position += 2;
            if (count > 0)
            {
                // Encoded mode: one index (RLE8) or two alternating ones (RLE4), count times.
                for (var i = 0; i < count; i++, x++)
                {
                    Put(pixels, width, height, x, y, grey, rle8 ? value : (i % 2 == 0 ? value >> 4 : value & 0xF));
                }

                continue;
            }

            switch (value)
            {
                case 0: // end of line
                    (x, y) = (0, y + 1);
                    break;
                case 1: // end of bitmap
                    return;
                case 2: // delta: move right and up
                    x += reader.U8(position);
                    y += reader.U8(position + 1);
                    position += 2;
                    break;
                default: // absolute mode: value literal indices, padded to a 16-bit boundary
                    var bytes = rle8 ? value : (value + 1) / 2;
                    var literal = reader.Slice(position, bytes);
                    for (var i = 0; i < value; i++, x++)
                    {
                        Put(pixels, width, height, x, y, grey, rle8 ? literal[i] : (i % 2 == 0 ? literal[i / 2] >> 4 : literal[i / 2] & 0xF));
                    }

                    position += bytes + (bytes & 1);
                    break;
            }
        }
    }

    /// <summary>The grey of each palette entry (blue, green, red, reserved), read after the info header.</summary>
    private static byte[] Palette(ByteReader reader, int bitsPerPixel)
    {
        var colours = reader.U32Le(46);
        var maximum = 1u << bitsPerPixel;
        if (colours > maximum)
        {
            throw reader.Damaged($"{colours} palette colours for {bitsPerPixel} bits per pixel");
        }

        var entries = colours == 0 ? maximum : colours;
        var start = FileHeaderSize + (long)reader.U32Le(FileHeaderSize);
        var palette = reader.Slice(start, entries * 4);
        var grey = new byte[maximum];
        for (var i = 0; i < entries; i++)
        {
            var (blue, green, red) = (palette[i * 4], palette[(i * 4) + 1], palette[(i * 4) + 2]);
            grey[i] = (byte)(((299 * red) + (587 * green) + (114 * blue) + 500) / 1000);
        }

        return grey;
    }

    private static void Put(Span<byte> pixels, int width, int height, int x, int y, byte[] grey, int index)
    {
        // Runs past the right edge are dropped, as Windows' own decoder does.
        if (x < width)
        {
            pixels[((height - 1 - y) * width) + x] = grey[index];
        }
    }
}
