using DigitForge.Data.Idx;
using DigitForge.Data.Sources;
using StbImageWriteSharp;

namespace DigitForge.Data.Tests;

[Trait("Category", "Unit")]
public sealed class ImageFolderSourceTests : IDisposable
{
    private const int Centre = (28 * 14) + 14;

    private readonly TempDirectory temp = new();

    private enum ImageFormat
    {
        Png,
        Bmp,
        Jpg,
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Reads_png_jpeg_and_bmp_labelled_by_folder_in_ordinal_order()
    {
        WriteImage("7/c.jpg", 28, ImageFormat.Jpg, 100);
        WriteImage("3/b.bmp", 28, ImageFormat.Bmp, 150);
        WriteImage("3/a.png", 28, ImageFormat.Png, 200);
        WriteImage("3/sub/z.png", 28, ImageFormat.Png, 250);

        var images = ImageFolderSource.Load(temp.Path, 28);

        (images.Count, images.Rows, images.Columns).Should().Be((4, 28, 28));
        images.Labels.Should().Equal(3, 3, 3, 7);
        images.Image(0)[Centre].Should().Be(200);
        images.Image(1)[Centre].Should().Be(150);
        images.Image(2)[Centre].Should().Be(250);
        images.Image(3)[Centre].Should().BeInRange(90, 110, "JPEG is lossy");
        images.Image(0)[0].Should().Be(0);
    }

    [Fact]
    public void Hidden_files_and_folders_are_ignored()
    {
        WriteImage("5/a.png", 28, ImageFormat.Png, 200);
        File.WriteAllText(temp.File(".DS_Store"), "not an image");
        File.WriteAllText(temp.File("5/.hidden.png"), "not an image");
        Directory.CreateDirectory(temp.File(".git"));

        ImageFolderSource.Load(temp.Path, 28).Labels.Should().Equal(5);
    }

    [Fact]
    public void Wrong_size_names_the_file_and_its_size()
    {
        WriteImage("1/big.png", 32, ImageFormat.Png, 200);

        var act = () => ImageFolderSource.Load(temp.Path, 28);

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("1/big.png")}: image is 32x32, expected 28x28");
    }

    [Fact]
    public void Non_image_file_names_the_file()
    {
        Directory.CreateDirectory(temp.File("1"));
        File.WriteAllText(temp.File("1/notes.png"), "not an image");

        var act = () => ImageFolderSource.Load(temp.Path, 28);

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("1/notes.png")}: not a readable image*");
    }

    [Fact]
    public void Sub_folder_that_is_not_a_label_is_rejected_even_when_empty()
    {
        WriteImage("2/a.png", 28, ImageFormat.Png, 200);
        Directory.CreateDirectory(temp.File("cats"));

        var act = () => ImageFolderSource.Load(temp.Path, 28);

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("cats")}: sub-folder is not a label*");
    }

    [Fact]
    public void Image_outside_a_label_folder_is_rejected()
    {
        WriteImage("2/a.png", 28, ImageFormat.Png, 200);
        WriteImage("loose.png", 28, ImageFormat.Png, 200);

        var act = () => ImageFolderSource.Load(temp.Path, 28);

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("loose.png")}: expected to be inside a label folder named 0-9*");
    }

    [Fact]
    public void Empty_folder_is_rejected()
    {
        var act = () => ImageFolderSource.Load(temp.Path, 28);

        act.Should().Throw<DataFormatException>().WithMessage($"{temp.Path}: no images found");
    }

    /// <summary>A black square image with a grey 8x8 block of <paramref name="grey"/> in the middle.</summary>
    private void WriteImage(string relative, int size, ImageFormat format, byte grey)
    {
        var path = temp.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var pixels = new byte[size * size];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = Math.Abs((i / size) - (size / 2)) < 4 && Math.Abs((i % size) - (size / 2)) < 4 ? grey : (byte)0;
        }

        using var stream = File.Create(path);
        var writer = new ImageWriter();
        switch (format)
        {
            case ImageFormat.Png:
                writer.WritePng(pixels, size, size, ColorComponents.Grey, stream);
                break;
            case ImageFormat.Bmp:
                writer.WriteBmp(pixels, size, size, ColorComponents.Grey, stream);
                break;
            default:
                writer.WriteJpg(pixels, size, size, ColorComponents.Grey, stream, 100);
                break;
        }
    }
}
