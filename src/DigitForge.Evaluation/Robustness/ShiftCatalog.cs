using DigitForge.Data;
using DigitForge.Training.Loop;

namespace DigitForge.Evaluation.Robustness;

/// <summary>
/// One realistic way a digit can differ from MNIST: a name (the key in metrics.json), what it does
/// with its parameters, and the per-image operation. <c>random</c> is the shift's own seeded
/// stream, advanced image by image in order.
/// </summary>
public sealed record ImageShift(string Name, string Description, ImageShift.Transform Apply)
{
    public delegate void Transform(ReadOnlySpan<byte> source, Span<byte> target, int rows, int columns, SplitMix64 random);

    /// <summary>Every image of <paramref name="images"/> shifted; labels unchanged. The same seed gives the same bytes.</summary>
    public LabelledImages ApplyTo(LabelledImages images, SplitMix64 random)
    {
        ArgumentNullException.ThrowIfNull(images);
        var pixels = new byte[images.Pixels.Length];
        for (var i = 0; i < images.Count; i++)
        {
            Apply(images.Image(i), pixels.AsSpan(i * images.PixelsPerImage, images.PixelsPerImage), images.Rows, images.Columns, random);
        }

        return new LabelledImages(pixels, images.Labels, images.Rows, images.Columns);
    }
}

/// <summary>The robustness report's shifts, in report order: the one place their names and parameters are defined.</summary>
public static class ShiftCatalog
{
    public const double BlurSigma = 1.5;
    public const int LowResolutionSize = 10;
    public const double MinRotationDegrees = 15;
    public const double MaxRotationDegrees = 25;
    public const double ShiftPixels = 3;
    public const double NoiseSigma = 48;
    public const byte GreyBackground = 128;

    public static IReadOnlyList<ImageShift> All { get; } =
    [
        new("thicker", "strokes 1 px thicker each side (3x3 grey dilation)",
            (s, t, rows, columns, _) => ImageShifts.Dilate(s, t, rows, columns)),
        new("thinner", "strokes 1 px thinner each side (3x3 grey erosion)",
            (s, t, rows, columns, _) => ImageShifts.Erode(s, t, rows, columns)),
        new("blur", $"Gaussian blur, sigma {BlurSigma} px",
            (s, t, rows, columns, _) => ImageShifts.Blur(s, t, rows, columns, BlurSigma)),
        new("low-resolution", $"area-downscaled to {LowResolutionSize}x{LowResolutionSize}, bilinear back up",
            (s, t, rows, columns, _) => ImageShifts.LowResolution(s, t, rows, columns, LowResolutionSize)),
        new("off-centre-rotated", $"rotated {MinRotationDegrees}-{MaxRotationDegrees} degrees either way and moved {ShiftPixels} px in a random direction",
            OffCentreRotated),
        new("noise", $"Gaussian pixel noise, sigma {NoiseSigma} grey levels",
            (s, t, _, _, random) => ImageShifts.Noise(s, t, NoiseSigma, random)),
        new("inverted-grey", $"dark ink on grey paper: background {GreyBackground}, full ink black",
            (s, t, _, _, _) => ImageShifts.InvertOnGrey(s, t, GreyBackground)),
    ];

    /// <summary>The seeded stream of shift number <paramref name="index"/> (its place in <see cref="All"/>) for <paramref name="seed"/>.</summary>
    public static SplitMix64 Stream(int seed, int index) => SplitMix64.ForStream(seed, (ulong)index);

    private static void OffCentreRotated(ReadOnlySpan<byte> source, Span<byte> target, int rows, int columns, SplitMix64 random)
    {
        // Fixed draw order per image: angle, its sign, the direction of the move.
        var degrees = random.NextDouble(MinRotationDegrees, MaxRotationDegrees);
        var sign = random.NextDouble() < 0.5 ? -1 : 1;
        var (sin, cos) = Math.SinCos(random.NextDouble(0, 2 * Math.PI));
        ImageShifts.RotateAndShift(source, target, rows, columns, sign * degrees, ShiftPixels * cos, ShiftPixels * sin);
    }
}
