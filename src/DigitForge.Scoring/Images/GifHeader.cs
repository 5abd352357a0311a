namespace DigitForge.Scoring.Images;

/// <summary>GIF: the canvas size from the logical screen descriptor, and a walk through the blocks
/// up to the end of the first frame, the only one scored.</summary>
internal static class GifHeader
{
    private const byte Extension = 0x21;
    private const byte ImageDescriptor = 0x2C;
    private const byte Trailer = 0x3B;
    private const byte HasColorTable = 0x80;

    public static bool Matches(ReadOnlySpan<byte> file) =>
        file.StartsWith("GIF87a"u8) || file.StartsWith("GIF89a"u8);

    public static ImageHeader Read(ReadOnlySpan<byte> file)
    {
        var reader = new ByteReader(file, "GIF");
        var header = new ImageHeader(ImageFormat.Gif, reader.U16Le(6), reader.U16Le(8));
        long offset = 13 + ColorTableSize(reader.U8(10));
        while (true)
        {
            var block = reader.U8(offset);
            switch (block)
            {
                case Extension:
                    offset = SkipSubBlocks(reader, offset + 2);
                    break;
                case ImageDescriptor:
                    offset += 10 + ColorTableSize(reader.U8(offset + 9));
                    SkipSubBlocks(reader, offset + 1); // after the LZW minimum code size
                    return header;
                case Trailer:
                    throw reader.Damaged("no image before the end of the file");
                default:
                    throw reader.Damaged($"unexpected block 0x{block:X2} at byte {offset}");
            }
        }
    }

    private static long ColorTableSize(byte flags) => (flags & HasColorTable) == 0 ? 0 : 3L << ((flags & 7) + 1);

    /// <summary>Data sub-blocks: a size byte then that many bytes, until a zero size. Returns the offset after them.</summary>
    private static long SkipSubBlocks(ByteReader reader, long offset)
    {
        while (true)
        {
            var size = reader.U8(offset);
            offset += 1 + size;
            if (size == 0)
            {
                return offset;
            }
        }
    }
}
