using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;

namespace DigitForge.Scoring.Images;

/// <summary>
/// The common PNG, 8-bit grey, grey+alpha, RGB or RGBA, not interlaced, without palette or tRNS,
/// inflated by the runtime's native zlib instead of StbImageSharp's managed port (several times
/// cheaper for a digit-sized image, the tool's usual input). It yields exactly the samples stb does.
/// Anything else, and anything it cannot decode cleanly (damaged data, a bad checksum, a stream that
/// does not end where the image does), it leaves to stb, which then decodes it or gives today's error.
/// </summary>
internal static class FastPng
{
    private const int SignatureLength = 8;
    private const uint Ihdr = 0x49484452;
    private const uint Idat = 0x49444154;
    private const uint Iend = 0x49454E44;
    private const uint Trns = 0x74524E53;

    // stb refuses larger sides; those images go to it for its error.
    private const int MaxSide = 1 << 24;

    /// <summary>Decodes <paramref name="file"/>, a PNG whose chunks <see cref="PngHeader"/> walked, into
    /// <paramref name="target"/>; false (target undefined) when the image is for stb.</summary>
    public static bool TryDecode(byte[] file, int length, GreyImage target)
    {
        if (!TryReadLayout(file.AsSpan(0, length), out var layout))
        {
            return false;
        }

        var rowBytes = layout.Width * layout.Channels;
        var rawLength = (long)(rowBytes + 1) * layout.Height;
        if (rawLength + rowBytes + 1 > Array.MaxLength)
        {
            return false;
        }

        // A zero row before the first stands for the row above it (the filters read it as zeros).
        var raw = ArrayPool<byte>.Shared.Rent((int)rawLength + rowBytes + 1);
        var joined = layout.IdatChunks > 1 ? ArrayPool<byte>.Shared.Rent(layout.IdatBytes) : null;
        try
        {
            raw.AsSpan(0, rowBytes).Clear();
            var compressed = joined is null ? new ArraySegment<byte>(file, layout.FirstIdat, layout.IdatBytes) : Join(file, length, joined, layout.IdatBytes);
            if (!Inflate(compressed, raw.AsSpan(rowBytes, (int)rawLength + 1), (int)rawLength) || !Unfilter(raw, rowBytes, layout))
            {
                return false;
            }

            target.Resize(layout.Width, layout.Height);
            if (layout.Channels == 1)
            {
                CopyRows(raw, rowBytes, layout.Height, target.Pixels);
            }
            else
            {
                // Rows side by side without their filter bytes, as stb returns them.
                var samples = raw.AsSpan(0, rowBytes * layout.Height);
                CopyRows(raw, rowBytes, layout.Height, samples);
                GreyDecoder.ToGrey(samples, layout.Channels, target.Pixels);
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            if (joined is not null)
            {
                ArrayPool<byte>.Shared.Return(joined);
            }
        }
    }

    /// <summary>The size, channels and image data of a PNG this decoder handles; false for any other.</summary>
    private static bool TryReadLayout(ReadOnlySpan<byte> file, out Layout layout)
    {
        layout = default;
        var sawHeader = false;
        var offset = SignatureLength;
        while (offset + 12 <= file.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(file[offset..]);
            var type = BinaryPrimitives.ReadUInt32BigEndian(file[(offset + 4)..]);
            if (length > int.MaxValue - 12 || length > file.Length - offset - 12)
            {
                return false;
            }

            var data = file.Slice(offset + 8, (int)length);
            switch (type)
            {
                case Ihdr when !sawHeader && length == 13:
                    sawHeader = true;
                    if (!TryReadHeader(data, out layout))
                    {
                        return false;
                    }

                    break;
                case Idat when sawHeader:
                    if (layout.IdatBytes > int.MaxValue - (int)length)
                    {
                        return false;
                    }

                    layout = layout with
                    {
                        FirstIdat = layout.IdatChunks == 0 ? offset + 8 : layout.FirstIdat,
                        IdatBytes = layout.IdatBytes + (int)length,
                        IdatChunks = layout.IdatChunks + 1,
                    };
                    break;
                case Iend:
                    return sawHeader && layout.IdatChunks > 0;
                default:
                    // stb skips ancillary chunks (lower-case first letter) but tRNS, which adds alpha; critical
                    // ones (PLTE, CgBI, a second IHDR ...) change the image or are errors: stb's to handle.
                    if ((type & (1u << 29)) == 0 || type == Trns)
                    {
                        return false;
                    }

                    break;
            }

            offset += 12 + (int)length;
        }

        return false;
    }

    private static bool TryReadHeader(ReadOnlySpan<byte> header, out Layout layout)
    {
        var width = BinaryPrimitives.ReadUInt32BigEndian(header);
        var height = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        var (depth, color, compression, filter, interlace) = (header[8], header[9], header[10], header[11], header[12]);
        var channels = color switch { 0 => 1, 4 => 2, 2 => 3, 6 => 4, _ => 0 };
        layout = new Layout((int)Math.Min(width, int.MaxValue), (int)Math.Min(height, int.MaxValue), channels, 0, 0, 0);
        return depth == 8 && channels > 0 && compression == 0 && filter == 0 && interlace == 0
            && width is > 0 and <= MaxSide && height is > 0 and <= MaxSide
            && (1 << 30) / width / (uint)channels >= height; // stb's own size limit
    }

    private static ArraySegment<byte> Join(byte[] file, int length, byte[] joined, int total)
    {
        var offset = SignatureLength;
        var written = 0;
        while (written < total)
        {
            var chunkLength = (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset, length - offset));
            if (BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset + 4)) == Idat)
            {
                file.AsSpan(offset + 8, chunkLength).CopyTo(joined.AsSpan(written));
                written += chunkLength;
            }

            offset += 12 + chunkLength;
        }

        return new ArraySegment<byte>(joined, 0, total);
    }

    /// <summary>Inflates exactly <paramref name="expected"/> bytes (<paramref name="output"/> has one more, to
    /// see a surplus) whose Adler-32 matches the stream's last four bytes: a stream that ends early or late,
    /// or damaged anywhere, is not this decoder's.</summary>
    private static bool Inflate(ArraySegment<byte> compressed, Span<byte> output, int expected)
    {
        if (compressed.Count < 6)
        {
            return false;
        }

        var total = 0;
        try
        {
            using var zlib = new ZLibStream(new MemoryStream(compressed.Array!, compressed.Offset, compressed.Count, writable: false), CompressionMode.Decompress);
            int read;
            while (total < output.Length && (read = zlib.Read(output[total..])) > 0)
            {
                total += read;
            }
        }
        catch (InvalidDataException)
        {
            return false;
        }

        // The runtime's stream reports neither a missing end nor the checksum, so both are checked here.
        return total == expected && Adler32(output[..expected]) == BinaryPrimitives.ReadUInt32BigEndian(compressed.AsSpan(compressed.Count - 4));
    }

    private static uint Adler32(ReadOnlySpan<byte> data)
    {
        // The largest run whose sums cannot overflow 32 bits before the modulo.
        const int Run = 5552;
        const uint Modulus = 65521;
        uint a = 1, b = 0;
        while (!data.IsEmpty)
        {
            var run = data[..Math.Min(Run, data.Length)];
            foreach (var value in run)
            {
                a += value;
                b += a;
            }

            (a, b) = (a % Modulus, b % Modulus);
            data = data[run.Length..];
        }

        return (b << 16) | a;
    }

    /// <summary>Undoes each row's filter in place (row r's bytes start at rowBytes + 1 + r * (rowBytes + 1)).</summary>
    private static bool Unfilter(byte[] raw, int rowBytes, Layout layout)
    {
        var bpp = layout.Channels;
        for (var y = 0; y < layout.Height; y++)
        {
            var start = rowBytes + (y * (rowBytes + 1));
            var row = raw.AsSpan(start + 1, rowBytes);
            ReadOnlySpan<byte> up = raw.AsSpan(start - rowBytes, rowBytes);
            switch (raw[start])
            {
                case 0:
                    break;
                case 1:
                    for (var i = bpp; i < row.Length; i++)
                    {
                        row[i] += row[i - bpp];
                    }

                    break;
                case 2:
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] += up[i];
                    }

                    break;
                case 3:
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] += (byte)(((i >= bpp ? row[i - bpp] : 0) + up[i]) >> 1);
                    }

                    break;
                case 4:
                    for (var i = 0; i < row.Length; i++)
                    {
                        row[i] += i >= bpp ? Paeth(row[i - bpp], up[i], up[i - bpp]) : up[i];
                    }

                    break;
                default:
                    return false; // stb: "invalid filter"
            }
        }

        return true;
    }

    private static byte Paeth(byte left, byte up, byte upLeft)
    {
        var estimate = left + up - upLeft;
        var (toLeft, toUp, toUpLeft) = (Math.Abs(estimate - left), Math.Abs(estimate - up), Math.Abs(estimate - upLeft));
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }

    /// <summary>Copies the unfiltered rows, without their filter bytes, one after the other into <paramref name="target"/>
    /// (which may be the start of <paramref name="raw"/> itself: each row moves down).</summary>
    private static void CopyRows(byte[] raw, int rowBytes, int height, Span<byte> target)
    {
        for (var y = 0; y < height; y++)
        {
            raw.AsSpan(rowBytes + (y * (rowBytes + 1)) + 1, rowBytes).CopyTo(target.Slice(y * rowBytes, rowBytes));
        }
    }

    private readonly record struct Layout(int Width, int Height, int Channels, int FirstIdat, int IdatBytes, int IdatChunks);
}
