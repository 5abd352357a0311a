using DigitForge.Scoring.Images;
using static DigitForge.Scoring.Tests.ImageFiles;

namespace DigitForge.Scoring.Tests;

/// <summary>Every supported encoding of the same digit decodes to the same grey pixels (JPEG: nearly).</summary>
[Trait("Category", "Unit")]
public sealed class GreyDecoderTests
{
    private static readonly Digit Sample = Digit.From(TestData.Bundled, 4321);
    private static readonly byte[] GreyPalette = [.. Enumerable.Range(0, 256).SelectMany(v => new[] { (byte)v, (byte)v, (byte)v })];

    public static TheoryData<string> LosslessEncodings =>
    [
        "png grey 8", "png grey 16", "png rgb 8", "png rgba 16", "png grey+alpha 8", "png palette", "png palette+transparency",
        "bmp rgb", "bmp rgba", "bmp rle8", "gif first frame", "gif with transparency",
    ];

    [Theory]
    [MemberData(nameof(LosslessEncodings))]
    public void Decode_LosslessEncoding_GivesTheOriginalGrey(string encoding)
    {
        var grey = Decode(Encode(encoding, Sample.Pixels));

        (grey.Width, grey.Height).Should().Be((Digit.Side, Digit.Side));
        grey.Pixels.ToArray().Should().Equal(Sample.Pixels);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Decode_Jpeg_IsCloseToTheOriginal(int channels)
    {
        var grey = Decode(Jpeg(Digit.Side, Digit.Side, channels, Digit.Interleave(Sample.Pixels, channels), quality: 100));

        var meanError = grey.Pixels.ToArray().Zip(Sample.Pixels, (a, b) => Math.Abs(a - b)).Average();
        meanError.Should().BeLessThan(2);
    }

    [Fact]
    public void Decode_ColourUsesLuma()
    {
        ushort[] red = [255, 0, 0];

        Decode(Png(1, 1, PngColor.Rgb, 8, red)).Pixels[0].Should().Be(76); // 0.299 * 255
    }

    [Fact]
    public void Decode_DarkInkOnTransparentCanvas_ComposesOverWhite()
    {
        // Black strokes whose coverage is the alpha channel; the hidden canvas colour is black too.
        var samples = Sample.Pixels.SelectMany(p => new ushort[] { 0, 0, 0, p }).ToArray();

        var grey = Decode(Png(Digit.Side, Digit.Side, PngColor.Rgba, 8, samples));

        grey.Pixels.ToArray().Should().Equal(Sample.Inverted().Pixels);
    }

    [Fact]
    public void Decode_LightInkOnTransparentCanvas_ComposesOverBlack()
    {
        var samples = Sample.Pixels.SelectMany(p => new ushort[] { 255, 255, 255, p }).ToArray();

        Decode(Png(Digit.Side, Digit.Side, PngColor.Rgba, 8, samples)).Pixels.ToArray().Should().Equal(Sample.Pixels);
    }

    [Fact]
    public void Decode_DamagedData_IsUnreadable()
    {
        var png = GreyPng(Digit.Side, Digit.Side, Sample.Pixels);
        png.AsSpan(41, 20).Fill(0x5A); // inside the zlib stream of IDAT

        var act = () => Decode(png);

        act.Should().Throw<UnreadableImageException>().WithMessage("the decoder rejected the image data*");
    }

    [Fact]
    public void Decode_Rle4_GivesThePalettesGreys()
    {
        // 16 grey levels, as a 4-bit palette image holds.
        var indices = Sample.Pixels.Select(p => (byte)(p / 17)).ToArray();
        var file = RleBmp(Digit.Side, Digit.Side, GreyLevels(16, step: 17), indices, rle4: true);

        Decode(file).Pixels.ToArray().Should().Equal(indices.Select(i => (byte)(i * 17)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Decode_RleDeltaAndEarlyLineEnds_LeaveTheBackgroundIndex(bool rle4)
    {
        byte[] palette = [10, 200, 90];
        var one = rle4 ? (byte)0x11 : (byte)1;
        var two = rle4 ? (byte)0x22 : (byte)2;
        byte[] data =
        [
            2, one, 0, 0, // bottom row: two pixels of index 1, then the line ends early
            0, 2, 1, 1,   // delta: one right, one up (from the start of the middle row to the top row)
            1, two,       // one pixel of index 2
            0, 1,         // end of bitmap before the rest
        ];

        var grey = Decode(RleBmpFile(4, 3, palette, data, rle4));

        grey.Pixels.ToArray().Should().Equal([10, 90, 10, 10, 10, 10, 10, 10, 200, 200, 10, 10]);
    }

    [Fact]
    public void Decode_RleWithoutItsEnd_IsTruncated()
    {
        var file = RleBmp(Digit.Side, Digit.Side, GreyLevels(256), Sample.Pixels);

        var act = () => Decode(file[..^40]);

        act.Should().Throw<UnreadableImageException>().WithMessage("truncated BMP: the file ends at byte * but its structure needs * bytes");
    }

    private static byte[] GreyLevels(int count, int step = 1) => [.. Enumerable.Range(0, count).Select(i => (byte)(i * step))];

    internal static byte[] Encode(string encoding, byte[] pixels)
    {
        const int side = Digit.Side;
        return encoding switch
        {
            "png grey 8" => GreyPng(side, side, pixels),
            "png grey 16" => Png(side, side, PngColor.Grey, 16, Digit.Samples(pixels, 1, scale: 257)),
            "png rgb 8" => Png(side, side, PngColor.Rgb, 8, Digit.Samples(pixels, 3)),
            "png rgba 16" => Png(side, side, PngColor.Rgba, 16, Digit.Samples(pixels, 4, scale: 257, alpha: true)),
            "png grey+alpha 8" => Png(side, side, PngColor.GreyAlpha, 8, Digit.Samples(pixels, 2, alpha: true)),
            "png palette" => Png(side, side, PngColor.Palette, 8, Digit.Samples(pixels, 1), GreyPalette),
            // Index 0 (the background) transparent: the visible ink is light, so it composes over black.
            "png palette+transparency" => Png(side, side, PngColor.Palette, 8, Digit.Samples(pixels, 1), GreyPalette, [0]),
            "bmp rgb" => Bmp(side, side, 3, Digit.Interleave(pixels, 3)),
            "bmp rgba" => Bmp(side, side, 4, [.. pixels.SelectMany(p => new[] { p, p, p, (byte)255 })]),
            "bmp rle8" => RleBmp(side, side, GreyLevels(256), pixels),
            // The second frame is the negative: only the first may be read.
            "gif first frame" => Gif(side, side, GreyPalette, [pixels, [.. pixels.Select(p => (byte)(255 - p))]]),
            "gif with transparency" => Gif(side, side, GreyPalette, [pixels], transparentIndex: 0),
            _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null),
        };
    }

    private static GreyImage Decode(byte[] file)
    {
        var grey = new GreyImage();
        GreyDecoder.Decode(file, file.Length, grey);
        return grey;
    }
}
