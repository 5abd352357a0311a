using System.IO.Compression;
using DigitForge.Scoring.Images;
using DigitForge.Scoring.Preprocessing;
using static DigitForge.Scoring.Tests.ImageFiles;

namespace DigitForge.Scoring.Tests;

/// <summary>
/// The native-zlib PNG path gives exactly StbImageSharp's grey pixels for every PNG it takes (each
/// colour type it handles, every filter, odd sizes, several IDAT chunks), takes no other PNG, and a
/// damaged PNG still gets stb's result: the same pixels or the same error.
/// </summary>
[Trait("Category", "Unit")]
public sealed class FastPngTests
{
    private static readonly PngColor[] Handled = [PngColor.Grey, PngColor.GreyAlpha, PngColor.Rgb, PngColor.Rgba];

    // Fixed filters, then a different one per row (the encoders' adaptive choice), then each filter in turn.
    private static readonly (string Name, Func<int, int> Filter)[] Filters =
    [
        ("none", _ => 0), ("sub", _ => 1), ("up", _ => 2), ("average", _ => 3), ("paeth", _ => 4), ("row by row", y => (y * 3) % 5),
    ];

    private static readonly (int Width, int Height)[] Sizes = [(1, 1), (3, 5), (28, 28), (29, 17), (1, 40), (40, 1)];

    // PNG colour types as numbers: the test class is public, ImageFiles' enum is not.
    public static TheoryData<int, string, int, int, int> Variants()
    {
        var data = new TheoryData<int, string, int, int, int>();
        foreach (var color in Handled)
        {
            foreach (var (name, _) in Filters)
            {
                foreach (var (width, height) in Sizes)
                {
                    data.Add((int)color, name, width, height, width * height > 100 ? 3 : 1);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void TryDecode_GivesStbsPixels(int colorType, string filter, int width, int height, int idatChunks)
    {
        var color = (PngColor)colorType;
        var png = FilteredPng(width, height, color, Samples(color, width, height, seed: width * height), Filters.Single(f => f.Name == filter).Filter, idatChunks);

        var fast = new GreyImage();
        FastPng.TryDecode(png, png.Length, fast).Should().BeTrue();
        var stb = Stb(png);

        (fast.Width, fast.Height).Should().Be((stb.Width, stb.Height));
        fast.Pixels.ToArray().Should().Equal(stb.Pixels.ToArray());
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.SmallestSize)]
    public void TryDecode_EveryCompressionLevel_GivesStbsPixels(CompressionLevel level)
    {
        var png = FilteredPng(Digit.Side, Digit.Side, PngColor.Rgba, Samples(PngColor.Rgba, Digit.Side, Digit.Side, seed: 7), y => y % 5, idatChunks: 2, level);

        var fast = new GreyImage();
        FastPng.TryDecode(png, png.Length, fast).Should().BeTrue();
        fast.Pixels.ToArray().Should().Equal(Stb(png).Pixels.ToArray());
    }

    [Theory]
    [MemberData(nameof(GreyDecoderTests.LosslessEncodings), MemberType = typeof(GreyDecoderTests))]
    public void TryDecode_TakesOnly8BitPngsWithoutPaletteOrTransparency(string encoding)
    {
        var file = GreyDecoderTests.Encode(encoding, Digit.From(TestData.Bundled, 4321).Pixels);

        FastPng.TryDecode(file, file.Length, new GreyImage()).Should().Be(encoding is "png grey 8" or "png rgb 8" or "png grey+alpha 8");
    }

    [Fact]
    public void TryDecode_LeavesInterlacedAndColourKeyedPngsToStb()
    {
        var samples = Samples(PngColor.Grey, 8, 8, seed: 1);
        var interlaced = FilteredPng(8, 8, PngColor.Grey, samples, _ => 0, damage: new PngDamage(Interlace: 1));
        var colourKey = Png(8, 8, PngColor.Grey, 8, [.. samples.Select(s => (ushort)s)], paletteAlpha: [0, 0]);

        FastPng.TryDecode(interlaced, interlaced.Length, new GreyImage()).Should().BeFalse();
        FastPng.TryDecode(colourKey, colourKey.Length, new GreyImage()).Should().BeFalse();
        DecodeOrError(colourKey).Should().Be(StbOrError(colourKey));
    }

    public static TheoryData<string> Damages => ["zlib data", "invalid filter", "stream cut short", "bad checksum", "surplus data", "missing row"];

    [Theory]
    [MemberData(nameof(Damages))]
    public void Decode_DamagedPng_GivesStbsResult(string damage)
    {
        var png = Damaged(damage);

        FastPng.TryDecode(png, png.Length, new GreyImage()).Should().BeFalse();
        DecodeOrError(png).Should().Be(StbOrError(png));
    }

    [Theory]
    [InlineData("zlib data")]
    [InlineData("invalid filter")]
    [InlineData("stream cut short")]
    [InlineData("missing row")]
    public void Prepare_DamagedPng_IsTheSameErrorRowAsBefore(string damage)
    {
        var png = Damaged(damage);

        var unscorable = DigitInput.Prepare(png, png.Length, long.MaxValue, new GreyImage(), new MnistPreprocessor(Digit.Side, Digit.Side), new byte[Digit.Side * Digit.Side]);

        unscorable.Should().Be(new Unscorable(UnscorableKind.Corrupt, "the decoder rejected the image data (damaged or unsupported)"));
    }

    private static byte[] Damaged(string damage)
    {
        var samples = Digit.From(TestData.Bundled, 4321).Pixels;
        return FilteredPng(Digit.Side, Digit.Side, PngColor.Grey, samples, y => y % 5, damage: damage switch
        {
            "zlib data" => new PngDamage(Stream: s => [.. s[..20], .. Enumerable.Repeat((byte)0x5A, 20), .. s[40..]]),
            "invalid filter" => new PngDamage(Rows: r => [.. r[..(29 * 5)], 5, .. r[((29 * 5) + 1)..]]),
            "stream cut short" => new PngDamage(Stream: s => s[..^30]),
            "bad checksum" => new PngDamage(Stream: s => [.. s[..^1], (byte)(s[^1] ^ 1)]),
            "surplus data" => new PngDamage(Rows: r => [.. r, .. r[..29]]),
            "missing row" => new PngDamage(Rows: r => r[..^29]),
            _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, null),
        });
    }

    /// <summary>Random samples; with alpha, a third of the pixels opaque, a sixth transparent, the rest in between.</summary>
    private static byte[] Samples(PngColor color, int width, int height, int seed)
    {
        var channels = color switch { PngColor.Grey => 1, PngColor.GreyAlpha => 2, PngColor.Rgb => 3, _ => 4 };
        var random = new Random(seed);
        var samples = new byte[width * height * channels];
        random.NextBytes(samples);
        if (color is PngColor.GreyAlpha or PngColor.Rgba)
        {
            for (var i = channels - 1; i < samples.Length; i += channels)
            {
                samples[i] = random.Next(6) switch { 0 or 1 => 255, 2 => 0, _ => samples[i] };
            }
        }

        return samples;
    }

    private static GreyImage Stb(byte[] png)
    {
        var grey = new GreyImage();
        GreyDecoder.DecodeWithStb(png, png.Length, grey);
        return grey;
    }

    private static string DecodeOrError(byte[] png) => Outcome(() =>
    {
        var grey = new GreyImage();
        GreyDecoder.Decode(png, png.Length, grey);
        return grey;
    });

    private static string StbOrError(byte[] png) => Outcome(() => Stb(png));

    private static string Outcome(Func<GreyImage> decode)
    {
        try
        {
            var grey = decode();
            return $"{grey.Width}x{grey.Height} {Convert.ToHexString(grey.Pixels)}";
        }
        catch (UnreadableImageException ex)
        {
            return ex.Message;
        }
    }
}
