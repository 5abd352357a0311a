using DigitForge.Evaluation.Robustness;
using DigitForge.Training.Loop;

namespace DigitForge.Evaluation.Tests.Robustness;

[Trait("Category", "Unit")]
public sealed class ImageShiftsTests
{
    private const int Size = 9;

    // A 9x9 image with full-ink columns at the given positions.
    private static byte[] Columns(params int[] columns)
    {
        var image = new byte[Size * Size];
        for (var r = 0; r < Size; r++)
        {
            foreach (var c in columns)
            {
                image[r * Size + c] = 255;
            }
        }

        return image;
    }

    private static int[] InkColumns(byte[] image) =>
        [.. Enumerable.Range(0, Size).Where(c => image[4 * Size + c] == 255)];

    private static byte[] Run(byte[] source, Action<byte[], byte[]> shift)
    {
        var target = new byte[source.Length];
        shift(source, target);
        return target;
    }

    [Fact]
    public void Dilation_thickens_a_1_px_line_to_3_px()
    {
        var thick = Run(Columns(4), (s, t) => ImageShifts.Dilate(s, t, Size, Size));

        InkColumns(thick).Should().Equal(3, 4, 5);
        thick.Count(p => p != 0).Should().Be(3 * Size);
    }

    [Fact]
    public void Erosion_thins_a_3_px_line_to_1_px_and_removes_a_1_px_line()
    {
        Run(Columns(3, 4, 5), (s, t) => ImageShifts.Erode(s, t, Size, Size)).Should().Equal(Columns(4));
        Run(Columns(4), (s, t) => ImageShifts.Erode(s, t, Size, Size)).Should().OnlyContain(p => p == 0);
    }

    [Fact]
    public void Blur_spreads_a_dot_symmetrically_and_keeps_blank_blank()
    {
        var dot = new byte[Size * Size];
        dot[4 * Size + 4] = 255;

        var blurred = Run(dot, (s, t) => ImageShifts.Blur(s, t, Size, Size, 1.0));

        blurred[4 * Size + 4].Should().BeInRange(1, 254);
        blurred[4 * Size + 3].Should().Be(blurred[4 * Size + 5]).And.Be(blurred[3 * Size + 4]).And.BeGreaterThan(0);
        Run(new byte[Size * Size], (s, t) => ImageShifts.Blur(s, t, Size, Size, 1.5)).Should().OnlyContain(p => p == 0);
    }

    [Fact]
    public void Low_resolution_keeps_flat_images_flat_and_loses_a_thin_line_s_contrast()
    {
        var flat = Enumerable.Repeat((byte)200, 28 * 28).ToArray();
        var line = new byte[28 * 28];
        for (var r = 0; r < 28; r++)
        {
            line[r * 28 + 14] = 255;
        }

        Run(flat, (s, t) => ImageShifts.LowResolution(s, t, 28, 28, 10)).Should().OnlyContain(p => p == 200);
        var soft = Run(line, (s, t) => ImageShifts.LowResolution(s, t, 28, 28, 10));
        soft.Max().Should().BeLessThan(255);
        soft[14 * 28 + 14].Should().BeGreaterThan(0);
        soft[14 * 28 + 2].Should().Be(0);
    }

    [Fact]
    public void Rotation_and_shift_move_by_whole_pixels_exactly_and_turn_about_the_centre()
    {
        Run(Columns(4), (s, t) => ImageShifts.RotateAndShift(s, t, Size, Size, 0, 2, 0)).Should().Equal(Columns(6));
        Run(Columns(4), (s, t) => ImageShifts.RotateAndShift(s, t, Size, Size, 0, 0, 0)).Should().Equal(Columns(4));

        // A quarter turn makes the centre column the centre row.
        var turned = Run(Columns(4), (s, t) => ImageShifts.RotateAndShift(s, t, Size, Size, 90, 0, 0));
        Enumerable.Range(0, Size).Select(c => turned[4 * Size + c]).Should().OnlyContain(p => p == 255);
        turned[0 * Size + 4].Should().Be(0);
    }

    [Fact]
    public void Noise_is_the_same_for_the_same_seed_and_zero_sigma_changes_nothing()
    {
        var image = Columns(2, 6);

        var first = Run(image, (s, t) => ImageShifts.Noise(s, t, 48, new SplitMix64(7)));
        var second = Run(image, (s, t) => ImageShifts.Noise(s, t, 48, new SplitMix64(7)));
        var other = Run(image, (s, t) => ImageShifts.Noise(s, t, 48, new SplitMix64(8)));

        first.Should().Equal(second);
        first.Should().NotEqual(other);
        first.Should().NotEqual(image);
        Run(image, (s, t) => ImageShifts.Noise(s, t, 0, new SplitMix64(7))).Should().Equal(image);
    }

    [Fact]
    public void Gaussian_draws_have_mean_0_and_standard_deviation_1()
    {
        var random = new SplitMix64(1);
        var draws = Enumerable.Range(0, 20000).Select(_ => ImageShifts.Gaussian(random)).ToArray();

        draws.Average().Should().BeApproximately(0, 0.03);
        Math.Sqrt(draws.Select(d => d * d).Average()).Should().BeApproximately(1, 0.03);
    }

    [Fact]
    public void Inversion_maps_background_to_grey_and_ink_to_black()
    {
        var inverted = Run([0, 255, 128], (s, t) => ImageShifts.InvertOnGrey(s, t, 128));

        inverted.Should().Equal(128, 0, 64);
    }
}
