using DigitForge.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace DigitForge.Training.Tests;

[Trait("Category", "Unit")]
public sealed class BatchAugmenterTests
{
    [Theory]
    [InlineData(0f)]
    [InlineData(-0.4242f)]
    public void Identity_parameters_leave_a_batch_unchanged(float background)
    {
        using var scope = NewDisposeScope();
        var batch = rand(6, 1, 28, 28);
        var identity = Enumerable.Repeat(AffineParameters.Identity, 6).ToArray();

        var result = BatchAugmenter.Apply(batch, identity, background);

        result.shape.Should().Equal(6, 1, 28, 28);
        (result - batch).abs().max().item<float>().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void An_augmenter_with_zero_ranges_is_the_identity()
    {
        using var scope = NewDisposeScope();
        var config = new AugmentationConfig { RotationDegrees = 0, Translation = 0, ScaleMin = 1, ScaleMax = 1 };
        var augmenter = new BatchAugmenter(config, new SplitMix64(7));
        var batch = rand(4, 1, 28, 28);

        var result = augmenter.Augment(batch, background: -0.3f);

        (result - batch).abs().max().item<float>().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void Non_zero_parameters_change_every_image_and_keep_the_shape()
    {
        using var scope = NewDisposeScope();
        var augmenter = new BatchAugmenter(new AugmentationConfig(), new SplitMix64(1));
        var batch = SyntheticBatch(8);

        var result = augmenter.Augment(batch);

        result.shape.Should().Equal(8, 1, 28, 28);
        var perImageChange = (result - batch).abs().amax([1, 2, 3]);
        perImageChange.min().item<float>().Should().BeGreaterThan(0.1f);
    }

    [Fact]
    public void A_translation_of_whole_pixels_shifts_right_and_down_and_fills_with_background()
    {
        using var scope = NewDisposeScope();
        var batch = full(1, 1, 28, 28, -1f);
        batch[0, 0, 10, 10] = tensor(5f);
        var shift = new AffineParameters(RotationDegrees: 0, TranslateX: 3.0 / 28, TranslateY: 2.0 / 28, Scale: 1);

        var result = BatchAugmenter.Apply(batch, [shift], background: -1f);

        result[0, 0, 12, 13].item<float>().Should().BeApproximately(5f, 1e-4f);
        result[0, 0, 10, 10].item<float>().Should().BeApproximately(-1f, 1e-4f);
        // The three columns shifted in from the left edge are background, not zero.
        result[0, 0, 20, 0].item<float>().Should().BeApproximately(-1f, 1e-4f);
        result.sum().item<float>().Should().BeApproximately(-1f * (28 * 28 - 1) + 5f, 1e-2f);
    }

    [Fact]
    public void A_quarter_turn_is_counter_clockwise_on_screen()
    {
        using var scope = NewDisposeScope();
        // A pixel right of the centre of an even-sized image moves above the centre.
        var batch = zeros(1, 1, 4, 4);
        batch[0, 0, 1, 3] = tensor(1f); // row 1, column 3: right of centre (1.5, 1.5), half a row up
        var turn = new AffineParameters(90, 0, 0, 1);

        var result = BatchAugmenter.Apply(batch, [turn]);

        // Counter-clockwise by 90 deg about (1.5, 1.5): (x=3, y=1) -> (x=1, y=0).
        result[0, 0, 0, 1].item<float>().Should().BeApproximately(1f, 1e-4f);
        result.sum().item<float>().Should().BeApproximately(1f, 1e-4f);
    }

    [Fact]
    public void Draws_are_seeded_and_within_the_configured_ranges()
    {
        var config = new AugmentationConfig { RotationDegrees = 15, Translation = 0.1, ScaleMin = 0.9, ScaleMax = 1.1 };
        var first = new BatchAugmenter(config, new SplitMix64(99)).Draw(500);
        var second = new BatchAugmenter(config, new SplitMix64(99)).Draw(500);
        var other = new BatchAugmenter(config, new SplitMix64(100)).Draw(500);

        first.Should().Equal(second);
        first.Should().NotEqual(other);
        first.Should().OnlyContain(p => Math.Abs(p.RotationDegrees) <= 15 && Math.Abs(p.TranslateX) <= 0.1
            && Math.Abs(p.TranslateY) <= 0.1 && p.Scale >= 0.9 && p.Scale <= 1.1);
        first.Select(p => p.RotationDegrees).Should().Contain(r => r < -10).And.Contain(r => r > 10);
    }

    private static Tensor SyntheticBatch(int count)
    {
        var images = SyntheticDigits.Make(count, seed: 3);
        return DigitForge.Training.Loop.ImageTensors.Normalised(images, SyntheticDigits.Stats);
    }
}
