using DigitForge.Data;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DigitForge.Training.Loop;

/// <summary>
/// Appearance augmentation of whole batches, against the robustness shifts a random affine does not
/// cover: stroke thickness (3x3 max or min pooling), Gaussian blur, dark ink on grey paper and pixel
/// noise, each with its probability from <see cref="AugmentationConfig"/>. Works on raw intensities
/// (un-normalised with the training set's statistics, then normalised back). Every per-image choice
/// comes from a seeded <see cref="SplitMix64"/> and the noise from a torch generator seeded by it,
/// so a run is reproducible.
/// </summary>
public sealed class AppearanceAugmenter : IDisposable
{
    /// <summary>The range the paper grey of an inverted image is drawn from, as a fraction of full ink.</summary>
    public const double MinPaper = 0.3;
    public const double MaxPaper = 0.8;

    private const double MinBlurSigma = 0.5;

    private readonly AugmentationConfig config;
    private readonly NormalizationStats stats;
    private readonly SplitMix64 random;
    private readonly Generator noise;

    public AppearanceAugmenter(AugmentationConfig config, NormalizationStats stats, SplitMix64 random)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(stats);
        ArgumentNullException.ThrowIfNull(random);
        this.config = config;
        this.stats = stats;
        this.random = random;
        noise = new Generator(random.NextUInt64());
    }

    /// <summary>Whether <paramref name="config"/> asks for any appearance augmentation.</summary>
    public static bool IsActive(AugmentationConfig config) =>
        config.StrokeProbability > 0 || config.BlurProbability > 0 || config.NoiseProbability > 0 || config.InvertProbability > 0;

    /// <summary>The augmented copy of a normalised batch [N, 1, H, W].</summary>
    public Tensor Augment(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.dim() != 4 || batch.shape[1] != 1)
        {
            throw new ArgumentException($"Expected a batch [N, 1, H, W], got [{string.Join(", ", batch.shape)}].", nameof(batch));
        }

        var count = checked((int)batch.shape[0]);
        var draws = Draw(count);
        using var scope = NewDisposeScope();
        var raw = batch * (float)stats.Std + (float)stats.Mean;

        if (draws.Any(d => d.Stroke != 0))
        {
            var thicker = Mask(draws, d => d.Stroke > 0, batch.device);
            var thinner = Mask(draws, d => d.Stroke < 0, batch.device);
            var dilated = F.max_pool2d(raw, 3, 1, 1);
            var eroded = -F.max_pool2d(-raw, 3, 1, 1);
            raw = where(thicker, dilated, where(thinner, eroded, raw));
        }

        if (draws.Any(d => d.BlurSigma > 0))
        {
            raw = Blur(raw, [.. draws.Select(d => d.BlurSigma)]);
        }

        if (draws.Any(d => d.Paper > 0))
        {
            var paper = tensor(draws.Select(d => (float)d.Paper).ToArray(), [count, 1, 1, 1], ScalarType.Float32, batch.device);
            raw = where(paper > 0, paper * (1 - raw), raw);
        }

        if (draws.Any(d => d.NoiseStd > 0))
        {
            var std = tensor(draws.Select(d => (float)d.NoiseStd).ToArray(), [count, 1, 1, 1], ScalarType.Float32, batch.device);
            raw = (raw + std * randn(batch.shape, ScalarType.Float32, batch.device, generator: noise)).clamp(0, 1);
        }

        return ((raw - (float)stats.Mean) / (float)stats.Std).MoveToOuterDisposeScope();
    }

    public void Dispose() => noise.Dispose();

    /// <summary>One image's draws: stroke +1 thicker, -1 thinner, 0 unchanged; 0 for a sigma, paper or std means not applied.</summary>
    private readonly record struct Appearance(int Stroke, double BlurSigma, double Paper, double NoiseStd);

    private Appearance[] Draw(int count)
    {
        var result = new Appearance[count];
        for (var i = 0; i < count; i++)
        {
            // Fixed draw order and count per image, whatever is applied: stroke (2), blur (2), paper (2), noise (2).
            var stroke = random.NextDouble() < config.StrokeProbability ? (random.NextDouble() < 0.5 ? 1 : -1) : Skip(0);
            var blur = random.NextDouble() < config.BlurProbability ? random.NextDouble(MinBlurSigma, config.BlurSigmaMax) : Skip(0.0);
            var paper = random.NextDouble() < config.InvertProbability ? random.NextDouble(MinPaper, MaxPaper) : Skip(0.0);
            var std = random.NextDouble() < config.NoiseProbability ? random.NextDouble(0, config.NoiseStdMax) : Skip(0.0);
            result[i] = new Appearance(stroke, blur, paper, std);
        }

        return result;
    }

    // Consumes the draw an applied augmentation would have used, so one choice does not shift the others' draws.
    private T Skip<T>(T value)
    {
        random.NextDouble();
        return value;
    }

    private static Tensor Mask(Appearance[] draws, Func<Appearance, bool> selected, Device device) =>
        tensor(draws.Select(selected).ToArray(), [draws.Length, 1, 1, 1], ScalarType.Bool, device);

    /// <summary>Separable Gaussian blur with one sigma per image (0 = unchanged), as a grouped convolution.</summary>
    private static Tensor Blur(Tensor raw, double[] sigmas)
    {
        var radius = (int)Math.Ceiling(3 * sigmas.Max());
        var size = 2 * radius + 1;
        var weights = new float[sigmas.Length * size];
        for (var i = 0; i < sigmas.Length; i++)
        {
            if (sigmas[i] == 0)
            {
                weights[i * size + radius] = 1; // the identity kernel
                continue;
            }

            var kernel = Enumerable.Range(-radius, size).Select(k => Math.Exp(-k * k / (2 * sigmas[i] * sigmas[i]))).ToArray();
            var sum = kernel.Sum();
            for (var k = 0; k < size; k++)
            {
                weights[i * size + k] = (float)(kernel[k] / sum);
            }
        }

        var (n, h, w) = (raw.shape[0], raw.shape[2], raw.shape[3]);
        var rows = tensor(weights, [n, 1, size, 1], ScalarType.Float32, raw.device);
        var columns = tensor(weights, [n, 1, 1, size], ScalarType.Float32, raw.device);
        // Images as channels of one batch: groups = N applies each image's own kernel; zero padding is blank paper.
        var channels = raw.reshape(1, n, h, w);
        channels = F.conv2d(channels, rows, padding: [radius, 0], groups: n);
        channels = F.conv2d(channels, columns, padding: [0, radius], groups: n);
        return channels.reshape(n, 1, h, w);
    }
}
