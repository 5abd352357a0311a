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

    public static void Save(LabelledImages images, string imagesPath, string labelsPath, bool gzip = false)
    {
        Write(imagesPath, ImagesMagic, [images.Count, images.Rows, images.Columns], images.Pixels, gzip);
        Write(labelsPath, LabelsMagic, [images.Count], images.Labels, gzip);
    }

    public static (byte[] Pixels, int Count, int Rows, int Columns) ReadImages(string path)
    {
        var (dimensions, data) = Read(path, ImagesMagic, "uint8 images");
        return (data, dimensions[0], dimensions[1], dimensions[2]);
    }

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
            using var stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
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

    private static byte[] ReadExactly(Stream stream, int count, string path, string what)
    {
        var buffer = new byte[count];
        var read = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
        if (read < count)
        {
            throw new DataFormatException(path, $"truncated: {what} needs {count} bytes, only {read} present");
        }

        return buffer;
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
        using var stream = gzip ? new GZipStream(file, CompressionLevel.SmallestSize) : (Stream)file;
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
