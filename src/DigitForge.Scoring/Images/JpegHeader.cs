namespace DigitForge.Scoring.Images;

/// <summary>JPEG: the size from the start-of-frame segment, the variants the decoder supports, and an
/// end-of-image marker after the first scan (a cut-off file otherwise decodes with grey rows).</summary>
internal static class JpegHeader
{
    private const byte Marker = 0xFF;
    private const byte StartOfScan = 0xDA;
    private const byte EndOfImage = 0xD9;

    public static bool Matches(ReadOnlySpan<byte> file) => file.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]);

    public static ImageHeader Read(ReadOnlySpan<byte> file)
    {
        var reader = new ByteReader(file, "JPEG");
        long offset = 2;
        ImageHeader? header = null;
        while (true)
        {
            if (reader.U8(offset) != Marker)
            {
                throw reader.Damaged($"expected a marker at byte {offset}, found 0x{reader.U8(offset):X2}");
            }

            var marker = reader.U8(offset + 1);
            if (marker == Marker)
            {
                offset += 1; // a fill byte before the marker
                continue;
            }

            offset += 2;
            if (marker is >= 0xD0 and <= 0xD7 or 0x01)
            {
                continue; // restart and TEM markers carry no length
            }

            if (marker == EndOfImage)
            {
                throw reader.Damaged("end of image before any scan");
            }

            var length = reader.U16Be(offset);
            if (length < 2)
            {
                throw reader.Damaged($"segment 0x{marker:X2} at byte {offset - 2} has length {length}");
            }

            if (IsStartOfFrame(marker))
            {
                header = Frame(reader, marker, offset);
            }
            else if (marker == StartOfScan)
            {
                if (header is null)
                {
                    throw reader.Damaged("a scan starts before the frame header (SOF)");
                }

                var scan = offset + length;
                return file[(int)Math.Min(scan, file.Length)..].IndexOf((ReadOnlySpan<byte>)[Marker, EndOfImage]) >= 0
                    ? header.Value
                    : throw new UnreadableImageException($"truncated JPEG: no end-of-image marker after the image data ({file.Length} bytes)");
            }

            offset += length;
        }
    }

    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    private static bool IsStartOfFrame(byte marker) => marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC);

    private static ImageHeader Frame(ByteReader reader, byte marker, long offset)
    {
        var precision = reader.U8(offset + 2);
        var height = reader.U16Be(offset + 3);
        var width = reader.U16Be(offset + 5);
        if (marker is not (0xC0 or 0xC1 or 0xC2))
        {
            throw new UnreadableImageException($"unsupported JPEG variant (SOF{marker - 0xC0}: lossless, hierarchical or arithmetic-coded); baseline and progressive are supported");
        }

        if (precision != 8)
        {
            throw new UnreadableImageException($"unsupported JPEG: {precision}-bit samples; only 8-bit is supported");
        }

        return height == 0
            ? throw new UnreadableImageException("unsupported JPEG: the height is only given after the first scan (DNL marker)")
            : new ImageHeader(ImageFormat.Jpeg, width, height);
    }
}
