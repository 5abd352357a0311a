using DigitForge.Data;
using DigitForge.Engine.Config;
using DigitForge.Training.Loop;
using TorchSharp;
using Newtonsoft.Json.Linq;
using static TorchSharp.torch;

namespace DigitForge.Training.Tests;

[Trait("Category", "Unit")]
public sealed class AppearanceAugmenterTests
{
    private static readonly NormalizationStats Stats = new(0.13, 0.31);

    private static AugmentationConfig All(double probability) => new()
    {
        StrokeProbability = probability,
        BlurProbability = probability,
        NoiseProbability = probability,
        InvertProbability = probability,
    };

    // Normalised [N, 1, 9, 9] images with a full-ink vertical line in the middle column.
    private static Tensor Lines(int count)
    {
        var raw = zeros(count, 1, 9, 9);
        raw[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Colon, 4] = tensor(1f);
        return (raw - (float)Stats.Mean) / (float)Stats.Std;
    }

    private static float[] Bits(Tensor batch) => batch.contiguous().data<float>().ToArray();

    private static Tensor Raw(Tensor normalised) => normalised * (float)Stats.Std + (float)Stats.Mean;

    [Fact]
    public void Off_by_default()
    {
        var config = new AugmentationConfig();

        AppearanceAugmenter.IsActive(config).Should().BeFalse();
        new[] { config.StrokeProbability, config.BlurProbability, config.NoiseProbability, config.InvertProbability }.Should().OnlyContain(p => p == 0);
    }

    [Fact]
    public void Zero_probabilities_leave_the_batch_unchanged()
    {
        using var scope = NewDisposeScope();
        using var augmenter = new AppearanceAugmenter(new AugmentationConfig(), Stats, new SplitMix64(1));
        var batch = Lines(4);

        (augmenter.Augment(batch) - batch).abs().max().item<float>().Should().BeLessThan(1e-5f);
    }

    [Fact]
    public void The_same_seed_gives_the_same_bits_and_another_seed_other_ones()
    {
        using var scope = NewDisposeScope();
        using var first = new AppearanceAugmenter(All(0.5), Stats, new SplitMix64(7));
        using var second = new AppearanceAugmenter(All(0.5), Stats, new SplitMix64(7));
        using var other = new AppearanceAugmenter(All(0.5), Stats, new SplitMix64(8));
        var batch = Lines(16);

        for (var step = 0; step < 3; step++)
        {
            var a = Bits(first.Augment(batch));
            a.Should().Equal(Bits(second.Augment(batch)));
            a.Should().NotEqual(Bits(other.Augment(batch)));
        }
    }

    [Fact]
    public void A_certain_stroke_change_thickens_or_thins_every_line()
    {
        using var scope = NewDisposeScope();
        using var augmenter = new AppearanceAugmenter(new AugmentationConfig { StrokeProbability = 1 }, Stats, new SplitMix64(3));

        var inkPerImage = (Raw(augmenter.Augment(Lines(32))) > 0.5f).sum([1, 2, 3]).data<long>().ToArray();

        // A 9-px line becomes 27 px (3 columns) or vanishes (a 1-px stroke eroded); both happen.
        inkPerImage.Should().OnlyContain(n => n == 27 || n == 0).And.Contain(27).And.Contain(0);
    }

    [Fact]
    public void A_certain_inversion_puts_dark_ink_on_grey_paper()
    {
        using var scope = NewDisposeScope();
        using var augmenter = new AppearanceAugmenter(new AugmentationConfig { InvertProbability = 1 }, Stats, new SplitMix64(3));

        var raw = Raw(augmenter.Augment(Lines(8)));

        var ink = raw[TensorIndex.Colon, 0, 4, 4];
        var paper = raw[TensorIndex.Colon, 0, 4, 0];
        ink.abs().max().item<float>().Should().BeLessThan(1e-5f);
        paper.min().item<float>().Should().BeGreaterThanOrEqualTo((float)AppearanceAugmenter.MinPaper - 1e-5f);
        paper.max().item<float>().Should().BeLessThanOrEqualTo((float)AppearanceAugmenter.MaxPaper + 1e-5f);
    }

    [Fact]
    public void Blur_and_noise_keep_intensities_in_range_and_change_the_images()
    {
        using var scope = NewDisposeScope();
        using var augmenter = new AppearanceAugmenter(new AugmentationConfig { BlurProbability = 1, NoiseProbability = 1 }, Stats, new SplitMix64(5));
        var batch = Lines(8);

        var raw = Raw(augmenter.Augment(batch));

        raw.min().item<float>().Should().BeGreaterThanOrEqualTo(-1e-5f);
        raw.max().item<float>().Should().BeLessThanOrEqualTo(1 + 1e-5f);
        (raw - Raw(batch)).abs().amax([1, 2, 3]).min().item<float>().Should().BeGreaterThan(0.05f);
    }

    [Fact]
    public void Out_of_range_probabilities_are_refused_by_the_config_loader()
    {
        var act = () => ConfigLoader<AugmentationConfig>.Bind(new JObject { ["invertProbability"] = 1.5 }, "train.json");

        act.Should().Throw<ConfigException>().WithMessage("*'invertProbability': 1.5 is out of range*");
    }
}
