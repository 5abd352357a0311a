using DigitForge.Scoring.Images;
using DigitForge.Scoring.Preprocessing;

namespace DigitForge.Scoring.Tests;

[Trait("Category", "Unit")]
public sealed class PreprocessorTests
{
    private static readonly MnistPreprocessor Mnist = new(Digit.Side, Digit.Side);
    private static readonly RawPreprocessor Raw = new(Digit.Side, Digit.Side);

    // A digit whose brightest pixel is 255, as in most of MNIST: it passes through unchanged.
    private static readonly Digit Sample = Digit.From(TestData.Bundled, 4321);

    [Fact]
    public void Mnist_AnMnistDigit_ComesOutAsItWentIn()
    {
        Sample.Pixels.Max().Should().Be(255);

        Prepare(Mnist, Digit.Side, Digit.Side, Sample.Pixels).Should().Equal(Sample.Pixels);
    }

    [Fact]
    public void ToBytes_EightAtATime_RoundsAsOneAtATime()
    {
        // Every length from 1 to 41 (whole vectors and tails), random levels and exact halves (ties go to even).
        var random = new Random(5);
        for (var length = 1; length <= 41; length++)
        {
            var fitted = Enumerable.Range(0, length).Select(i => i % 3 == 0 ? (random.Next(0, 255) + 0.5f) : (float)(random.NextDouble() * 200)).ToArray();
            fitted[random.Next(length)] = 255f;
            var max = fitted.Max();
            var expected = fitted.Select(v => (byte)Math.Clamp(MathF.Round(v * (255f / max)), 0, 255)).ToArray();

            var actual = new byte[length];
            MnistPreprocessor.ToBytes(fitted, actual);

            actual.Should().Equal(expected, $"length {length}");
        }

        var blank = new byte[9];
        MnistPreprocessor.ToBytes(new float[9], blank);
        blank.Should().OnlyContain(b => b == 0);
    }

    [Fact]
    public void Mnist_TheTestSplit_IsNearlyUnchanged()
    {
        var split = TestData.TestSplit;
        var unchanged = 0;
        double difference = 0;
        for (var i = 0; i < split.Count; i++)
        {
            var digit = Digit.From(split, i);
            var prepared = Prepare(Mnist, Digit.Side, Digit.Side, digit.Pixels);
            unchanged += prepared.SequenceEqual(digit.Pixels) ? 1 : 0;
            difference += prepared.Zip(digit.Pixels, (a, b) => Math.Abs(a - b)).Average();
        }

        // What changes: digits whose brightest pixel is 254 (stretched to 255), and a few one-pixel shifts.
        (unchanged / (double)split.Count).Should().BeGreaterThan(0.85);
        (difference / split.Count).Should().BeLessThan(1.0);
    }

    [Fact]
    public void Mnist_DarkOnLight_IsInverted() =>
        Prepare(Mnist, Digit.Side, Digit.Side, Sample.Inverted().Pixels).Should().Equal(Sample.Pixels);

    [Fact]
    public void Mnist_OffCentreOnALargeCanvas_IsCroppedAndCentred()
    {
        var (width, height, pixels) = Sample.OnCanvas(300, 200, left: 250, top: 3);

        Prepare(Mnist, width, height, pixels).Should().Equal(Sample.Pixels);
    }

    [Fact]
    public void Mnist_LargeImage_IsShrunkBackByAreaAveraging()
    {
        var (width, height, pixels) = Sample.Enlarged(40);

        Prepare(Mnist, width, height, pixels).Should().Equal(Sample.Pixels);
    }

    [Fact]
    public void Mnist_PhotoOfDarkInkOnNoisyPaper_LooksLikeTheDigit()
    {
        // Grey paper (about 190) with noise, ink at 40: a scan or photo, enlarged and off-centre.
        var random = new Random(5);
        var (width, height, digit) = Sample.Enlarged(6);
        var canvas = new byte[(width + 80) * (height + 50)];
        for (var i = 0; i < canvas.Length; i++)
        {
            canvas[i] = (byte)(190 + random.Next(-12, 13));
        }

        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var ink = digit[(y * width) + x] / 255.0;
                ref var pixel = ref canvas[((y + 30) * (width + 80)) + x + 60];
                pixel = (byte)Math.Round((pixel * (1 - ink)) + (40 * ink));
            }
        }

        var prepared = Prepare(Mnist, width + 80, height + 50, canvas);

        var meanError = prepared.Zip(Sample.Pixels, (a, b) => Math.Abs(a - b)).Average();
        meanError.Should().BeLessThan(8, "the noise is removed and the digit lands where MNIST puts it");
    }

    [Fact]
    public void Mnist_KeepsTheAspectRatioAndCentresTheMass()
    {
        // A 10x40 bar: fitted to 5x20, centred at (14, 14).
        var pixels = new byte[60 * 60];
        for (var y = 5; y < 45; y++)
        {
            pixels.AsSpan((y * 60) + 3, 10).Fill(255);
        }

        var prepared = Prepare(Mnist, 60, 60, pixels);

        var ink = Enumerable.Range(0, prepared.Length).Where(i => prepared[i] > 0).ToList();
        ink.Select(i => i % Digit.Side).Distinct().Should().HaveCount(5);
        ink.Select(i => i / Digit.Side).Distinct().Should().HaveCount(20);
        var mass = ink.Sum(i => (double)prepared[i]);
        (ink.Sum(i => i % Digit.Side * (double)prepared[i]) / mass).Should().BeApproximately(14, 0.5);
        (ink.Sum(i => i / Digit.Side * (double)prepared[i]) / mass).Should().BeApproximately(14, 0.5);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(200)]
    [InlineData(255)]
    public void Mnist_BlankImage_IsReportedNotScored(byte level)
    {
        var pixels = Enumerable.Repeat(level, 50 * 40).ToArray();

        var act = () => Prepare(Mnist, 50, 40, pixels);

        act.Should().Throw<UnreadableImageException>().WithMessage("no digit found: the image is blank*");
    }

    [Fact]
    public void Raw_ModelSizedImage_PassesByteForByte()
    {
        var inverted = Sample.Inverted().Pixels;

        Prepare(Raw, Digit.Side, Digit.Side, inverted).Should().Equal(inverted);
    }

    [Fact]
    public void Raw_OtherSize_IsResizedWithoutCroppingOrInverting()
    {
        var (width, height, pixels) = Sample.Inverted().Enlarged(3);

        Prepare(Raw, width, height, pixels).Should().Equal(Sample.Inverted().Pixels);
    }

    private static byte[] Prepare(IDigitPreprocessor preprocessor, int width, int height, byte[] pixels)
    {
        var image = new GreyImage();
        image.Resize(width, height);
        pixels.CopyTo(image.Pixels);
        var target = new byte[Digit.Side * Digit.Side];
        preprocessor.Prepare(image, target);
        return target;
    }
}
