using System.Buffers.Binary;
using System.IO.Compression;
using DigitForge.Data.Idx;

namespace DigitForge.Data.Tests;

[Trait("Category", "Unit")]
public sealed class IdxFileTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Round_trips_plain_and_gzip(bool gzip)
    {
        var images = Sample(5);
        IdxFile.Save(images, temp.File("i"), temp.File("l"), gzip);

        var loaded = IdxFile.Load(temp.File("i"), temp.File("l"));

        loaded.Pixels.Should().Equal(images.Pixels);
        loaded.Labels.Should().Equal(images.Labels);
        (loaded.Rows, loaded.Columns).Should().Be((3, 2));
        File.ReadAllBytes(temp.File("i")).Take(2).Should().Equal(gzip ? new byte[] { 0x1f, 0x8b } : new byte[] { 0, 0 });
    }

    [Fact]
    public void Plain_file_is_the_exact_big_endian_layout()
    {
        IdxFile.Save(new LabelledImages([7, 8], [4], 1, 2), temp.File("i"), temp.File("l"));

        File.ReadAllBytes(temp.File("i")).Should().Equal(0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 7, 8);
        File.ReadAllBytes(temp.File("l")).Should().Equal(0, 0, 8, 1, 0, 0, 0, 1, 4);
    }

    [Fact]
    public void Gzip_is_detected_by_content_not_name()
    {
        IdxFile.Save(Sample(3), temp.File("images.idx"), temp.File("labels.gz"), gzip: true);
        IdxFile.Save(Sample(3), temp.File("plain-images.gz"), temp.File("plain-labels.gz"));

        IdxFile.Load(temp.File("images.idx"), temp.File("labels.gz")).Labels.Should().Equal(0, 1, 2);
        IdxFile.Load(temp.File("plain-images.gz"), temp.File("plain-labels.gz")).Labels.Should().Equal(0, 1, 2);
    }

    [Fact]
    public void Gzip_output_is_deterministic_with_no_timestamp_and_a_fixed_os_byte()
    {
        IdxFile.Save(Sample(4), temp.File("a"), temp.File("al"), gzip: true);
        Thread.Sleep(1100);
        IdxFile.Save(Sample(4), temp.File("b"), temp.File("bl"), gzip: true);

        var bytes = File.ReadAllBytes(temp.File("a"));
        bytes.Should().Equal(File.ReadAllBytes(temp.File("b")));
        bytes[4..8].Should().Equal(0, 0, 0, 0);
        bytes[9].Should().Be(3);
    }

    [Fact]
    public void Bad_magic_names_the_file_and_both_magics()
    {
        IdxFile.Save(Sample(2), temp.File("i"), temp.File("l"));

        var act = () => IdxFile.ReadImages(temp.File("l"));

        act.Should().Throw<DataFormatException>()
            .WithMessage($"{temp.File("l")}: bad magic 0x00000801, expected 0x00000803 (uint8 images)");
    }

    [Fact]
    public void Wrong_rank_or_element_type_is_a_bad_magic()
    {
        WriteRaw("l", [0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]);

        var act = () => IdxFile.ReadLabels(temp.File("l"));

        act.Should().Throw<DataFormatException>()
            .WithMessage($"{temp.File("l")}: bad magic 0x00000d01, expected 0x00000801 (uint8 labels)");
    }

    [Theory]
    [InlineData(0, 28, 28, "holds no items")]
    [InlineData(-1, 28, 28, "dimension 0 has impossible size -1")]
    [InlineData(200_000_000, 28, 28, "dimension 0 has impossible size 200000000")]
    [InlineData(1, 0, 28, "image size 0x28 is not between 1 and 4096")]
    [InlineData(1, 28, 8192, "image size 28x8192 is not between 1 and 4096")]
    [InlineData(90_000_000, 28, 28, "dimensions too large")]
    public void Impossible_dimensions_are_rejected(int count, int rows, int columns, string problem)
    {
        WriteRaw("i", Header(0x803, count, rows, columns));

        var act = () => IdxFile.ReadImages(temp.File("i"));

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("i")}: {problem}");
    }

    [Fact]
    public void Header_promising_far_more_than_the_file_holds_is_truncated_not_allocated()
    {
        WriteRaw("i", [.. Header(0x803, 2_000_000, 28, 28), 1, 2, 3]);

        var act = () => IdxFile.ReadImages(temp.File("i"));

        act.Should().Throw<DataFormatException>()
            .WithMessage($"{temp.File("i")}: truncated: data (2000000x28x28 = 1568000000 bytes promised by the header) needs 1568000000 bytes, only 3 present");
    }

    [Theory]
    [InlineData(false, 3, "truncated: header needs 4 bytes, only 3 present")]
    [InlineData(false, 10, "truncated: header needs 12 bytes, only 6 present")]
    [InlineData(false, 20, "truncated: data (3x3x2 = 18 bytes promised by the header) needs 18 bytes, only 4 present")]
    [InlineData(true, 20, "truncated: *")]
    public void Truncated_files_are_rejected(bool gzip, int keep, string problem)
    {
        IdxFile.Save(Sample(3), temp.File("i"), temp.File("l"), gzip);
        File.WriteAllBytes(temp.File("i"), File.ReadAllBytes(temp.File("i"))[..keep]);

        var act = () => IdxFile.ReadImages(temp.File("i"));

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("i")}: {problem}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Trailing_bytes_are_rejected(bool gzip)
    {
        byte[] content = [.. Header(0x803, 3, 3, 2), .. new byte[18], 42];
        WriteRaw("i", gzip ? Gzip(content) : content);

        var act = () => IdxFile.ReadImages(temp.File("i"));

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("i")}: trailing bytes after the 18 the header promises");
    }

    [Fact]
    public void Garbage_after_the_gzip_stream_is_rejected()
    {
        IdxFile.Save(Sample(3), temp.File("i"), temp.File("l"), gzip: true);
        File.AppendAllText(temp.File("i"), "junk after the gzip member");

        var act = () => IdxFile.ReadImages(temp.File("i"));

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("i")}: bytes after the end of the gzip stream");
    }

    [Fact]
    public void Corrupt_gzip_is_rejected()
    {
        IdxFile.Save(Sample(50), temp.File("i"), temp.File("l"), gzip: true);
        var bytes = File.ReadAllBytes(temp.File("i"));
        bytes[10] = 0xff; // the first deflate block header: 0b11 is a reserved block type
        File.WriteAllBytes(temp.File("i"), bytes);

        var act = () => IdxFile.ReadImages(temp.File("i"));

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("i")}: corrupt gzip stream*");
    }

    [Fact]
    public void Label_count_mismatch_names_both_files()
    {
        IdxFile.Save(Sample(3), temp.File("i"), temp.File("l"));
        IdxFile.Save(Sample(2), temp.File("i2"), temp.File("l2"));

        var act = () => IdxFile.Load(temp.File("i"), temp.File("l2"));

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("l2")}: 2 labels for 3 images in {temp.File("i")}");
    }

    [Fact]
    public void Label_out_of_range_is_rejected()
    {
        WriteRaw("l", [0, 0, 8, 1, 0, 0, 0, 2, 3, 12]);

        var act = () => IdxFile.ReadLabels(temp.File("l"));

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("l")}: label 12 at index 1 is not a digit 0-9");
    }

    [Fact]
    public void Missing_file_is_named()
    {
        var act = () => IdxFile.ReadLabels(temp.File("none"));

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("none")}: file not found");
    }

    private static LabelledImages Sample(int count)
    {
        var pixels = Enumerable.Range(0, count * 6).Select(i => (byte)(i * 7)).ToArray();
        return new LabelledImages(pixels, [.. Enumerable.Range(0, count).Select(i => (byte)(i % 10))], 3, 2);
    }

    private static byte[] Header(int magic, params int[] dimensions)
    {
        var header = new byte[4 * (dimensions.Length + 1)];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (var i = 0; i < dimensions.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 * (i + 1)), dimensions[i]);
        }

        return header;
    }

    private static byte[] Gzip(byte[] content)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest))
        {
            gzip.Write(content);
        }

        return buffer.ToArray();
    }

    private void WriteRaw(string name, byte[] bytes) => File.WriteAllBytes(temp.File(name), bytes);
}
