using System.Buffers.Binary;
using System.IO.Compression;

namespace DigitForge.Data.Idx;

/// <summary>
/// The IDX format MNIST is published in: a big-endian header (magic 0x0000080N where 0x08 is
/// uint8 and N the rank, then N dimension sizes) followed by the raw bytes. Files may be gzipped;
/// that is detected from the content, not the name.
/// </summary>
public static class IdxFile
{
    public const int ImagesMagic = 0x00000803;
    public const int LabelsMagic = 0x00000801;
    private const int MaxSide = 4096;
    private const long MaxCount = 100_000_000;
    private const int GzipOsByteOffset = 9;
    private const byte GzipOsUnix = 3;

    /// <summary>An images file and its labels file, checked to hold the same number of items.</summary>
    public static LabelledImages Load(string imagesPath, string labelsPath)
    {
        var (pixels, count, rows, columns) = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (labels.Length != count)
        {
            throw new DataFormatException(labelsPath, $"{labels.Length} labels for {count} images in {imagesPath}");
        }

        return new LabelledImages(pixels, labels, rows, columns);
    }

    /// <summary>Writes the pair; gzip output is byte-for-byte reproducible (no timestamp in the header).</summary>
    public static void Save(LabelledImages images, string imagesPath, string labelsPath, bool gzip = false)
    {
        Write(imagesPath, ImagesMagic, [images.Count, images.Rows, images.Columns], images.Pixels, gzip);
        Write(labelsPath, LabelsMagic, [images.Count], images.Labels, gzip);
    }

    /// <summary>A uint8 [count, rows, columns] images file, plain or gzipped.</summary>
    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var (dimensions, data) = Read(path, ImagesMagic, "uint8 images");
        return (data, dimensions[0], dimensions[1], dimensions[2]);
    }

    /// <summary>A uint8 [count] labels file, plain or gzipped; every label must be a digit 0-9.</summary>
    public static byte[] ReadLabels(string path)
    {
        var (_, data) = Read(path, LabelsMagic, "uint8 labels");
        var bad = Array.FindIndex(data, label => label > 9);
        if (bad >= 0)
        {
            throw new DataFormatException(path, $"label {data[bad]} at index {bad} is not a digit 0-9");
        }

        return data;
    }

    private static (int[] Dimensions, byte[] Data) Read(string path, int expectedMagic, string kind)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new DataFormatException(path, "file not found");
        }

        try
        {
            using var file = System.IO.File.OpenRead(path);
            var gzip = IsGzip(file);
            using var stream = gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : (Stream)file;
            var magicBytes = ReadExactly(stream, 4, path, "header");
            var magic = BinaryPrimitives.ReadInt32BigEndian(magicBytes);
            if (magic != expectedMagic)
            {
                throw new DataFormatException(path, $"bad magic 0x{magic:x8}, expected 0x{expectedMagic:x8} ({kind})");
            }

            var rank = expectedMagic & 0xff;
            var header = ReadExactly(stream, 4 * rank, path, "header");
            var dimensions = new int[rank];
            long total = 1;
            for (var i = 0; i < rank; i++)
            {
                dimensions[i] = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 * i));
                if (dimensions[i] < 0 || (i == 0 && dimensions[i] > MaxCount))
                {
                    throw new DataFormatException(path, $"dimension {i} has impossible size {dimensions[i]}");
                }

                total *= dimensions[i];
            }

            if (rank == 3 && (dimensions[1] is < 1 or > MaxSide || dimensions[2] is < 1 or > MaxSide))
            {
                throw new DataFormatException(path, $"image size {dimensions[1]}x{dimensions[2]} is not between 1 and {MaxSide}");
            }

            if (dimensions[0] == 0)
            {
                throw new DataFormatException(path, "holds no items");
            }

            var data = ReadExactly(stream, checked((int)total), path, $"data ({string.Join("x", dimensions)} = {total} bytes promised by the header)");
            if (stream.ReadByte() != -1)
            {
                throw new DataFormatException(path, $"trailing bytes after the {total} the header promises");
            }

            if (gzip)
            {
                RejectBytesAfterGzip(file, path, 4 + (4 * rank) + total);
            }

            return (dimensions, data);
        }
        catch (InvalidDataException ex)
        {
            throw new DataFormatException(path, $"corrupt gzip stream ({ex.Message})");
        }
        catch (OverflowException)
        {
            throw new DataFormatException(path, "dimensions too large");
        }
    }

    /// <summary>Reads <paramref name="count"/> bytes, growing the buffer as data arrives so a lying header cannot make us allocate gigabytes.</summary>
    private static byte[] ReadExactly(Stream stream, int count, string path, string what)
    {
        var buffer = new byte[Math.Min(count, 1 << 20)];
        var read = 0;
        while (read < count)
        {
            if (read == buffer.Length)
            {
                Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
            }

            var got = stream.Read(buffer, read, buffer.Length - read);
            if (got == 0)
            {
                throw new DataFormatException(path, $"truncated: {what} needs {count} bytes, only {read} present");
            }

            read += got;
        }

        return buffer;
    }

    // GZipStream stops quietly at junk after the gzip data; the trailer's ISIZE (content length mod 2^32,
    // the file's last 4 bytes) then no longer matches. Concatenated gzip members, which no IDX writer
    // produces, are rejected too.
    private static void RejectBytesAfterGzip(FileStream file, string path, long contentLength)
    {
        Span<byte> size = stackalloc byte[4];
        file.Seek(-4, SeekOrigin.End);
        file.ReadExactly(size);
        if (BinaryPrimitives.ReadUInt32LittleEndian(size) != (uint)contentLength)
        {
            throw new DataFormatException(path, "bytes after the end of the gzip stream");
        }
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var gzip = file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        return gzip;
    }

    private static void Write(string path, int magic, int[] dimensions, byte[] data, bool gzip)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var file = System.IO.File.Create(path);
        if (!gzip)
        {
            WriteContent(file, magic, dimensions, data);
            return;
        }

        using (var compressed = new GZipStream(file, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            WriteContent(compressed, magic, dimensions, data);
        }

        // zlib records the writing OS in the gzip header (3 on Linux, other values elsewhere); pin it so
        // the same data gives the same bytes, and the same pinned SHA-256, whichever OS wrote it.
        file.Position = GzipOsByteOffset;
        file.WriteByte(GzipOsUnix);
    }

    private static void WriteContent(Stream stream, int magic, int[] dimensions, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, magic);
        stream.Write(word);
        foreach (var dimension in dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, dimension);
            stream.Write(word);
        }

        stream.Write(data);
    }
}
