using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using StbImageWriteSharp;

namespace DigitForge.Scoring.Tests;

/// <summary>
/// Writes real image files for the tests. PNG (every colour type, 8 and 16 bits, palette with
/// transparency) and GIF (palette, transparency, several frames) are encoded here, byte by byte per
/// their specs; JPEG and BMP through StbImageWriteSharp.
/// </summary>
internal static class ImageFiles
{
    public enum PngColor
    {
        Grey = 0,
        Rgb = 2,
        Palette = 3,
        GreyAlpha = 4,
        Rgba = 6,
    }

    /// <summary>A PNG of <paramref name="samples"/> (row-major, <paramref name="channels"/> per pixel, each 0-65535
    /// for 16-bit or 0-255), optionally with a palette (RGB triples) and its transparency (alpha per entry).</summary>
    public static byte[] Png(int width, int height, PngColor color, int bitDepth, ushort[] samples, byte[]? palette = null, byte[]? paletteAlpha = null)
    {
        var channels = color switch { PngColor.Grey or PngColor.Palette => 1, PngColor.GreyAlpha => 2, PngColor.Rgb => 3, _ => 4 };
        var bytesPerSample = bitDepth / 8;
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (var i = 0; i < width * channels; i++)
            {
                var value = samples[(y * width * channels) + i];
                if (bytesPerSample == 2)
                {
                    raw.WriteByte((byte)(value >> 8));
                }

                raw.WriteByte((byte)value);
            }
        }

        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(raw.ToArray());
        }

        var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9]) = ((byte)bitDepth, (byte)color);
        Chunk(file, "IHDR", header);
        if (palette is not null)
        {
            Chunk(file, "PLTE", palette);
        }

        if (paletteAlpha is not null)
        {
            Chunk(file, "tRNS", paletteAlpha);
        }

        Chunk(file, "IDAT", compressed.ToArray());
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    /// <summary>
    /// An 8-bit PNG of <paramref name="samples"/> (<paramref name="color"/>'s channels per pixel, row-major) with
    /// row y filtered by <paramref name="filterOfRow"/>(y) (0 none, 1 sub, 2 up, 3 average, 4 Paeth; anything
    /// else is written unfiltered under that type byte), its zlib stream split over <paramref name="idatChunks"/>
    /// IDAT chunks. <paramref name="damage"/> may change the filtered rows (before compression) or the zlib stream.
    /// </summary>
    public static byte[] FilteredPng(int width, int height, PngColor color, byte[] samples, Func<int, int> filterOfRow, int idatChunks = 1, CompressionLevel level = CompressionLevel.Optimal, PngDamage? damage = null)
    {
        var channels = color switch { PngColor.Grey => 1, PngColor.GreyAlpha => 2, PngColor.Rgb => 3, _ => 4 };
        var stride = width * channels;
        var raw = new List<byte>();
        var above = new byte[stride];
        for (var y = 0; y < height; y++)
        {
            var row = samples.AsSpan(y * stride, stride);
            var filter = filterOfRow(y);
            raw.Add((byte)filter);
            for (var i = 0; i < stride; i++)
            {
                var left = i >= channels ? row[i - channels] : 0;
                var upLeft = i >= channels ? above[i - channels] : 0;
                var predicted = filter switch
                {
                    1 => left,
                    2 => above[i],
                    3 => (left + above[i]) / 2,
                    4 => Paeth(left, above[i], upLeft),
                    _ => 0,
                };
                raw.Add((byte)(row[i] - predicted));
            }

            row.CopyTo(above);
        }

        var filtered = damage?.Rows?.Invoke([.. raw]) ?? [.. raw];
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, level, leaveOpen: true))
        {
            zlib.Write(filtered);
        }

        var stream = damage?.Stream?.Invoke(compressed.ToArray()) ?? compressed.ToArray();
        var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9], header[12]) = (8, (byte)color, damage?.Interlace ?? 0);
        Chunk(file, "IHDR", header);
        Chunk(file, "tEXt", "Comment\0skipped by every decoder"u8.ToArray());
        var piece = (stream.Length + idatChunks - 1) / idatChunks;
        for (var start = 0; start < stream.Length; start += piece)
        {
            Chunk(file, "IDAT", stream[start..Math.Min(stream.Length, start + piece)]);
        }

        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    /// <summary>The PNG predictor, as the specification writes it.</summary>
    private static int Paeth(int left, int up, int upLeft)
    {
        var estimate = left + up - upLeft;
        var (toLeft, toUp, toUpLeft) = (Math.Abs(estimate - left), Math.Abs(estimate - up), Math.Abs(estimate - upLeft));
        return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }

    /// <summary>An 8-bit greyscale PNG.</summary>
    public static byte[] GreyPng(int width, int height, ReadOnlySpan<byte> pixels) =>
        Png(width, height, PngColor.Grey, 8, [.. pixels.ToArray().Select(p => (ushort)p)]);

    /// <summary>A PNG whose IHDR claims <paramref name="width"/> x <paramref name="height"/> but whose data is one tiny row: a bomb's header.</summary>
    public static byte[] BombPng(int width, int height)
    {
        var png = GreyPng(1, 1, [0]);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), height);
        var crc = Crc32(png.AsSpan(12, 17));
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), crc);
        return png;
    }

    public static byte[] Jpeg(int width, int height, int channels, byte[] pixels, int quality = 95)
    {
        using var stream = new MemoryStream();
        new ImageWriter().WriteJpg(pixels, width, height, channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue, stream, quality);
        return stream.ToArray();
    }

    public static byte[] Bmp(int width, int height, int channels, byte[] pixels)
    {
        using var stream = new MemoryStream();
        new ImageWriter().WriteBmp(pixels, width, height, channels switch { 1 => ColorComponents.Grey, 3 => ColorComponents.RedGreenBlue, _ => ColorComponents.RedGreenBlueAlpha }, stream);
        return stream.ToArray();
    }

    /// <summary>
    /// A BMP (BITMAPINFOHEADER) compressed BI_RLE8 or BI_RLE4, encoded here by hand as ImageMagick
    /// does: runs of one index in encoded mode, other stretches in absolute mode, an end of line per
    /// row and an end of bitmap. <paramref name="palette"/> is grey levels; <paramref name="indices"/>
    /// are palette indices, top row first.
    /// </summary>
    public static byte[] RleBmp(int width, int height, byte[] palette, byte[] indices, bool rle4 = false)
    {
        var data = new List<byte>();
        for (var row = height - 1; row >= 0; row--)
        {
            var line = indices[(row * width)..((row + 1) * width)];
            var x = 0;
            while (x < width)
            {
                var run = 1;
                while (x + run < width && run < 255 && line[x + run] == line[x])
                {
                    run++;
                }

                var literal = 0;
                while (run == 1 && x + literal < width && literal < 255 && (x + literal + 1 >= width || line[x + literal + 1] != line[x + literal]))
                {
                    literal++;
                }

                if (literal >= 3)
                {
                    data.AddRange([0, (byte)literal]);
                    var packed = rle4
                        ? Enumerable.Range(0, (literal + 1) / 2).Select(i => (byte)((line[x + (2 * i)] << 4) | (2 * i + 1 < literal ? line[x + (2 * i) + 1] : 0))).ToArray()
                        : line[x..(x + literal)];
                    data.AddRange(packed);
                    if (packed.Length % 2 == 1)
                    {
                        data.Add(0);
                    }

                    x += literal;
                }
                else
                {
                    data.AddRange([(byte)run, rle4 ? (byte)((line[x] << 4) | line[x]) : line[x]]);
                    x += run;
                }
            }

            data.AddRange([0, 0]);
        }

        data.AddRange([0, 1]);
        return RleBmpFile(width, height, palette, [.. data], rle4);
    }

    /// <summary>A BMP around RLE <paramref name="data"/> as given, for encodings <see cref="RleBmp"/> does not write (deltas, early ends).</summary>
    public static byte[] RleBmpFile(int width, int height, byte[] palette, byte[] data, bool rle4 = false)
    {
        var paletteBytes = palette.SelectMany(g => new byte[] { g, g, g, 0 }).ToArray();
        var offset = 14 + 40 + paletteBytes.Length;
        var file = new byte[offset + data.Length];
        "BM"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), offset);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), (short)(rle4 ? 4 : 8));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(30), rle4 ? 2 : 1);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), data.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(46), palette.Length);
        paletteBytes.CopyTo(file, 54);
        data.CopyTo(file, offset);
        return file;
    }

    /// <summary>
    /// A GIF89a with a 256-entry palette and the given frames (palette indices), each frame full-size;
    /// <paramref name="transparentIndex"/> marks one index transparent. LZW data is written with a clear
    /// code every 250 codes so codes stay 9 bits (valid, if uncompressed, LZW).
    /// </summary>
    public static byte[] Gif(int width, int height, byte[] palette, IReadOnlyList<byte[]> frames, int? transparentIndex = null)
    {
        var file = new MemoryStream();
        file.Write("GIF89a"u8);
        WriteU16(file, width);
        WriteU16(file, height);
        file.Write([0xF7, 0, 0]); // global colour table of 256 entries
        var table = new byte[768];
        palette.CopyTo(table, 0);
        file.Write(table);
        foreach (var frame in frames)
        {
            if (transparentIndex is { } index)
            {
                file.Write([0x21, 0xF9, 4, 0x01, 0, 0, (byte)index, 0]);
            }

            file.WriteByte(0x2C);
            WriteU16(file, 0);
            WriteU16(file, 0);
            WriteU16(file, width);
            WriteU16(file, height);
            file.WriteByte(0);
            file.WriteByte(8); // LZW minimum code size
            WriteSubBlocks(file, Lzw(frame));
        }

        file.WriteByte(0x3B);
        return file.ToArray();
    }

    public static string Write(string directory, string name, byte[] content)
    {
        var path = Path.Combine(directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static byte[] Lzw(byte[] indices)
    {
        const int clear = 256, end = 257;
        var bits = new List<bool>();
        void Code(int code)
        {
            for (var b = 0; b < 9; b++)
            {
                bits.Add(((code >> b) & 1) == 1);
            }
        }

        for (var i = 0; i < indices.Length; i++)
        {
            if (i % 250 == 0)
            {
                Code(clear);
            }

            Code(indices[i]);
        }

        Code(end);
        var bytes = new byte[(bits.Count + 7) / 8];
        for (var i = 0; i < bits.Count; i++)
        {
            bytes[i / 8] |= (byte)(bits[i] ? 1 << (i % 8) : 0);
        }

        return bytes;
    }

    private static void WriteSubBlocks(Stream file, byte[] data)
    {
        for (var offset = 0; offset < data.Length; offset += 255)
        {
            var size = Math.Min(255, data.Length - offset);
            file.WriteByte((byte)size);
            file.Write(data, offset, size);
        }

        file.WriteByte(0);
    }

    private static void WriteU16(Stream file, int value)
    {
        file.WriteByte((byte)value);
        file.WriteByte((byte)(value >> 8));
    }

    /// <summary>Changes to a <see cref="FilteredPng"/>: to its filtered rows, its zlib stream, its IHDR interlace byte.</summary>
    public sealed record PngDamage(Func<byte[], byte[]>? Rows = null, Func<byte[], byte[]>? Stream = null, byte Interlace = 0);

    private static void Chunk(Stream file, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        file.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        file.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        file.Write(crc);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
