using System.Text;

namespace DigitForge.Scoring.Images;

/// <summary>PNG: the size from IHDR, and a walk over every chunk up to IEND so a truncated file is
/// caught here (the decoder would otherwise fill the missing rows with zeros).</summary>
internal static class PngHeader
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool Matches(ReadOnlySpan<byte> file) => file.StartsWith(Signature);

    public static ImageHeader Read(ReadOnlySpan<byte> file)
    {
        var reader = new ByteReader(file, "PNG");
        long offset = Signature.Length;
        var sawData = false;
        ImageHeader? header = null;
        while (true)
        {
            var length = reader.U32Be(offset);
            var type = Encoding.ASCII.GetString(reader.Slice(offset + 4, 4));
            if (length > int.MaxValue)
            {
                throw reader.Damaged($"chunk '{type}' at byte {offset} claims {length} bytes");
            }

            var data = offset + 8;
            var end = data + length + 4;
            if (end > file.Length)
            {
                throw reader.Truncated(end);
            }

            if (header is null)
            {
                header = type == "IHDR" && length == 13
                    ? new ImageHeader(ImageFormat.Png, Side(reader, data), Side(reader, data + 4))
                    : throw reader.Damaged("the first chunk is not IHDR");
            }

            sawData |= type == "IDAT";
            if (type == "IEND")
            {
                return sawData ? header.Value : throw reader.Damaged("no image data (IDAT) before IEND");
            }

            offset = end;
        }
    }

    // The format allows up to 2^31 - 1; anything above is a damaged (or hostile) header.
    private static int Side(ByteReader reader, long offset)
    {
        var side = reader.U32Be(offset);
        return side <= int.MaxValue ? (int)side : throw reader.Damaged($"IHDR claims a side of {side} pixels");
    }
}
