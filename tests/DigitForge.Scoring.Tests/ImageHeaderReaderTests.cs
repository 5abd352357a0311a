using DigitForge.Scoring.Images;

namespace DigitForge.Scoring.Tests;

[Trait("Category", "Unit")]
public sealed class ImageHeaderReaderTests
{
    private static readonly byte[] Pixels = [.. Enumerable.Range(0, 12 * 7).Select(i => (byte)(i * 3))];

    public static TheoryData<string> Formats => ["png", "jpeg", "bmp", "gif"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_GivesFormatAndSize(string format)
    {
        var header = ImageHeaderReader.Read(Encode(format));

        header.Should().Be(new ImageHeader(Enum.Parse<ImageFormat>(format, ignoreCase: true), 12, 7));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_TruncatedFile_SaysTruncated(string format)
    {
        var file = Encode(format);
        // Cut inside the pixel data: everything after the first third is missing.
        var act = () => ImageHeaderReader.Read(file.AsSpan(0, Math.Max(30, file.Length * 2 / 3)));

        act.Should().Throw<UnreadableImageException>().WithMessage("truncated *");
    }

    [Fact]
    public void Read_EmptyFile_SaysEmpty() =>
        FluentActions.Invoking(() => ImageHeaderReader.Read([])).Should().Throw<UnreadableImageException>().WithMessage("empty file (0 bytes)");

    [Fact]
    public void Read_TextFile_SaysNotAnImageWithItsFirstBytes() =>
        FluentActions.Invoking(() => ImageHeaderReader.Read("hello, world"u8)).Should().Throw<UnreadableImageException>()
            .WithMessage("not a PNG, JPEG, BMP or GIF image (first bytes 68656C6C6F2C2077)");

    [Fact]
    public void Read_BombHeader_GivesTheClaimedSizeWithoutDecoding()
    {
        var header = ImageHeaderReader.Read(ImageFiles.BombPng(100_000, 100_000));

        header.Pixels.Should().Be(10_000_000_000);
    }

    [Fact]
    public void Read_PngClaimingMoreThanTheFormatAllows_IsDamaged()
    {
        var png = ImageFiles.BombPng(1, 1);
        png.AsSpan(16, 4).Fill(0xFF);

        FluentActions.Invoking(() => ImageHeaderReader.Read(png)).Should().Throw<UnreadableImageException>().WithMessage("damaged PNG: IHDR claims a side of 4294967295 pixels");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_RleBmp_GivesItsSize(bool rle4)
    {
        var bmp = ImageFiles.RleBmp(12, 7, [0, 255], [.. Pixels.Select(p => (byte)(p & 1))], rle4);

        ImageHeaderReader.Read(bmp).Should().Be(new ImageHeader(ImageFormat.Bmp, 12, 7));
    }

    [Theory]
    [InlineData(1, "damaged BMP: RLE8 with 24 bits per pixel")]
    [InlineData(2, "damaged BMP: RLE4 with 24 bits per pixel")]
    [InlineData(4, "unsupported BMP compression 4")]
    public void Read_BmpWithACompressionItCannotHave_SaysWhy(byte compression, string reason)
    {
        var bmp = ImageFiles.Bmp(12, 7, 3, [.. Enumerable.Repeat(Pixels, 3).SelectMany(p => p)]);
        bmp[30] = compression;

        FluentActions.Invoking(() => ImageHeaderReader.Read(bmp)).Should().Throw<UnreadableImageException>().WithMessage(reason);
    }

    [Fact]
    public void Read_JpegWithoutEndMarker_SaysTruncated()
    {
        var jpeg = ImageFiles.Jpeg(12, 7, 1, Pixels);

        FluentActions.Invoking(() => ImageHeaderReader.Read(jpeg.AsSpan(0, jpeg.Length - 2))).Should().Throw<UnreadableImageException>()
            .WithMessage("truncated JPEG: no end-of-image marker*");
    }

    [Fact]
    public void Read_GifWithOnlyATrailer_IsDamaged()
    {
        var gif = ImageFiles.Gif(12, 7, new byte[768], [new byte[12 * 7]]);
        var noImage = gif.AsSpan(0, 13 + 768).ToArray().Append((byte)0x3B).ToArray();

        FluentActions.Invoking(() => ImageHeaderReader.Read(noImage)).Should().Throw<UnreadableImageException>().WithMessage("damaged GIF: no image before the end of the file");
    }

    private static byte[] Encode(string format) => format switch
    {
        "png" => ImageFiles.GreyPng(12, 7, Pixels),
        "jpeg" => ImageFiles.Jpeg(12, 7, 1, Pixels),
        "bmp" => ImageFiles.Bmp(12, 7, 1, Pixels),
        _ => ImageFiles.Gif(12, 7, [.. Enumerable.Range(0, 256).SelectMany(v => new[] { (byte)v, (byte)v, (byte)v })], [Pixels]),
    };
}
