using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DigitForge.Training.Loop;

/// <summary>One image's random affine transform: rotation about the centre, scale, then shift.</summary>
/// <param name="RotationDegrees">Counter-clockwise as seen on screen (rows grow downwards).</param>
/// <param name="TranslateX">Shift right, as a fraction of the image width.</param>
/// <param name="TranslateY">Shift down, as a fraction of the image height.</param>
/// <param name="Scale">Zoom factor; above 1 the digit gets bigger.</param>
public readonly record struct AffineParameters(double RotationDegrees, double TranslateX, double TranslateY, double Scale)
{
    public static AffineParameters Identity => new(0, 0, 0, 1);
}

/// <summary>
/// Random affine augmentation of whole batches on tensors: the per-image parameters come from a
/// seeded <see cref="SplitMix64"/> (so they are new for every image in every epoch and identical
/// between runs), and one <c>affine_grid</c> + <c>grid_sample</c> (bilinear) transforms the batch.
/// </summary>
public sealed class BatchAugmenter
{
    private readonly AugmentationConfig config;
    private readonly SplitMix64 random;

    public BatchAugmenter(AugmentationConfig config, SplitMix64 random)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(random);
        if (config.ScaleMin <= 0 || config.ScaleMin > config.ScaleMax)
        {
            throw new ArgumentException($"Augmentation scale range [{config.ScaleMin}, {config.ScaleMax}] is not a positive interval.", nameof(config));
        }

        this.config = config;
        this.random = random;
    }

    /// <summary>Draws parameters for <paramref name="count"/> images (advances the generator).</summary>
    public AffineParameters[] Draw(int count)
    {
        var result = new AffineParameters[count];
        for (var i = 0; i < count; i++)
        {
            // Fixed draw order per image: rotation, x, y, scale.
            var rotation = random.NextDouble(-config.RotationDegrees, config.RotationDegrees);
            var tx = random.NextDouble(-config.Translation, config.Translation);
            var ty = random.NextDouble(-config.Translation, config.Translation);
            var scale = random.NextDouble(config.ScaleMin, config.ScaleMax);
            result[i] = new AffineParameters(rotation, tx, ty, scale);
        }

        return result;
    }

    /// <summary>Draws parameters for every image of <paramref name="batch"/> and applies them.</summary>
    public Tensor Augment(Tensor batch, float background = 0f) =>
        Apply(batch, Draw(checked((int)batch.shape[0])), background);

    /// <summary>
    /// Transforms each image of <paramref name="batch"/> [N, C, H, W] by its parameters. Pixels that
    /// come from outside the source image get <paramref name="background"/> (the normalised value of
    /// a blank pixel). The identity parameters return the batch unchanged up to float rounding.
    /// </summary>
    public static Tensor Apply(Tensor batch, IReadOnlyList<AffineParameters> parameters, float background = 0f)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(parameters);
        if (batch.dim() != 4)
        {
            throw new ArgumentException($"Expected a batch [N, C, H, W], got [{string.Join(", ", batch.shape)}].", nameof(batch));
        }

        if (batch.shape[0] != parameters.Count)
        {
            throw new ArgumentException($"{parameters.Count} parameter sets for a batch of {batch.shape[0]}.", nameof(parameters));
        }

        using var scope = NewDisposeScope();
        var theta = tensor(Theta(parameters), [parameters.Count, 2, 3], ScalarType.Float32, batch.device);
        var grid = F.affine_grid(theta, batch.shape, align_corners: false);

        Tensor result;
        if (background == 0f)
        {
            result = F.grid_sample(batch, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
        }
        else
        {
            // Zero padding of (x - background), shifted back: outside pixels become the background.
            var shifted = batch - background;
            var sampled = F.grid_sample(shifted, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false);
            result = sampled + background;
        }

        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The [N, 2, 3] matrices (row-major, flattened) that <c>affine_grid</c> needs: each maps an
    /// output position to the input position it samples, in normalised coordinates [-1, 1].
    /// Forward: out = s R(a) in + t, so in = (1/s) R(-a) (out - t), with t = 2 * translation.
    /// </summary>
    public static float[] Theta(IReadOnlyList<AffineParameters> parameters)
    {
        var theta = new float[parameters.Count * 6];
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            // Rows grow downwards, so a counter-clockwise rotation on screen is a negative angle
            // in (x right, y down) coordinates.
            var a = -p.RotationDegrees * Math.PI / 180.0;
            var (sin, cos) = Math.SinCos(a);
            var inv = 1.0 / p.Scale;
            // (1/s) R(-a) = (1/s) [[cos, sin], [-sin, cos]]
            double a00 = cos * inv, a01 = sin * inv, a10 = -sin * inv, a11 = cos * inv;
            double tx = 2 * p.TranslateX, ty = 2 * p.TranslateY;
            theta[i * 6 + 0] = (float)a00;
            theta[i * 6 + 1] = (float)a01;
            theta[i * 6 + 2] = (float)-(a00 * tx + a01 * ty);
            theta[i * 6 + 3] = (float)a10;
            theta[i * 6 + 4] = (float)a11;
            theta[i * 6 + 5] = (float)-(a10 * tx + a11 * ty);
        }

        return theta;
    }
}
