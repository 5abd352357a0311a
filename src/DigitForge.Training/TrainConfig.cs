using System.ComponentModel.DataAnnotations;
using DigitForge.Engine.Sweeps;

namespace DigitForge.Training;

public enum OptimizerKind
{
    Adam,
    Sgd,
}

public enum ScheduleKind
{
    /// <summary>The rate times <see cref="ScheduleConfig.Gamma"/> every <see cref="ScheduleConfig.StepSize"/> epochs.</summary>
    Step,

    /// <summary>Per batch: warm up from <c>learningRate / divFactor</c> to <c>learningRate</c>, then cosine down to nearly 0 at the last epoch.</summary>
    OneCycle,
}

/// <summary>Which CPU kernels libtorch, oneDNN and MKL may use; they sum in different orders, so they give different weights.</summary>
public enum KernelSet
{
    /// <summary>Pinned to their AVX2 code paths: the same weights on every x86-64 CPU with AVX2 and FMA, AVX-512 or not.</summary>
    Portable,

    /// <summary>The widest this CPU offers (or what the environment asks for): faster on AVX-512, weights that differ by CPU kind.</summary>
    Native,
}

/// <summary>Which validation figure picks the epoch whose weights Train keeps.</summary>
public enum KeepBestBy
{
    /// <summary>The highest validation accuracy (the first epoch to reach it): the seeds' rule.</summary>
    ValidationAccuracy,

    /// <summary>
    /// The lowest validation loss. On a small validation split accuracy moves in steps of one image and
    /// ties often, so it picks among near-equal epochs by chance; the loss ranks them on every image's confidence.
    /// </summary>
    ValidationLoss,
}

/// <summary>The <c>train</c> section. Defaults are the seeds' reference recipe.</summary>
public sealed class TrainConfig
{
    [Range(1, 1000)]
    public int Epochs { get; set; } = 30;

    [Range(1, 8192)]
    public int BatchSize { get; set; } = 64;

    public OptimizerKind Optimizer { get; set; } = OptimizerKind.Adam;

    [Range(1e-7, 10.0)]
    [SweepRange(1e-4, 1e-2, Log = true)]
    public double LearningRate { get; set; } = 0.001;

    /// <summary>Momentum of SGD; ignored by Adam.</summary>
    [Range(0.0, 0.999)]
    public double Momentum { get; set; } = 0.9;

    [Range(0.0, 1.0)]
    [SweepRange(1e-6, 1e-3, Log = true)]
    public double WeightDecay { get; set; } = 1e-5;

    [Required]
    public ScheduleConfig Schedule { get; set; } = new();

    /// <summary>Weight of the uniform distribution mixed into the one-hot targets (0 = plain cross-entropy).</summary>
    [Range(0.0, 0.5)]
    [SweepRange(0.0, 0.2)]
    public double LabelSmoothing { get; set; }

    [Required]
    public EarlyStoppingConfig EarlyStopping { get; set; } = new();

    [Required]
    public AugmentationConfig Augmentation { get; set; } = new();

    [Range(0, int.MaxValue)]
    public int Seed { get; set; } = 42;

    /// <summary>Intra-op threads for libtorch; results can differ between thread counts.</summary>
    [Range(1, 256)]
    public int Threads { get; set; } = 2;

    /// <summary>The validation figure that picks the kept epoch.</summary>
    public KeepBestBy KeepBestBy { get; set; } = KeepBestBy.ValidationAccuracy;

    /// <summary>Portable (default) or native kernels; results differ between the two, and each is kept apart in the fingerprint.</summary>
    public KernelSet Kernels { get; set; } = KernelSet.Portable;
}

/// <summary>Thread count and kernel set: everything besides the inputs that changes libtorch's numbers.</summary>
public sealed record TorchNumerics(int Threads, KernelSet Kernels)
{
    /// <summary>The <c>train</c> section's settings, which Evaluate and Promote run libtorch with as well.</summary>
    public static TorchNumerics Of(TrainConfig train)
    {
        ArgumentNullException.ThrowIfNull(train);
        return new(train.Threads, train.Kernels);
    }
}

/// <summary>How the learning rate moves during training; <c>learningRate</c> is the peak rate of a one-cycle schedule.</summary>
public sealed class ScheduleConfig
{
    public ScheduleKind Kind { get; set; } = ScheduleKind.Step;

    /// <summary>Step: epochs between reductions.</summary>
    [Range(1, 1000)]
    public int StepSize { get; set; } = 10;

    /// <summary>Step: factor of each reduction.</summary>
    [Range(0.0001, 1.0)]
    public double Gamma { get; set; } = 0.1;

    /// <summary>One-cycle: fraction of all batches spent warming up.</summary>
    [Range(0.0, 1.0)]
    public double WarmupFraction { get; set; } = 0.25;

    /// <summary>One-cycle: the starting rate is the peak rate divided by this.</summary>
    [Range(1.0, 1e6)]
    public double DivFactor { get; set; } = 25;
}

/// <summary>Stop when validation accuracy has not improved by <see cref="MinDelta"/> for <see cref="Patience"/> epochs.</summary>
public sealed class EarlyStoppingConfig
{
    public bool Enabled { get; set; } = true;

    [Range(1, 1000)]
    public int Patience { get; set; } = 7;

    [Range(0.0, 1.0)]
    public double MinDelta { get; set; } = 0.001;
}

/// <summary>Random affine augmentation of training images, drawn per image per epoch.</summary>
public sealed class AugmentationConfig : IValidatableObject
{
    public bool Enabled { get; set; } = true;

    /// <summary>Maximum rotation either way, in degrees.</summary>
    [Range(0.0, 180.0)]
    public double RotationDegrees { get; set; } = 15;

    /// <summary>Maximum shift either way, as a fraction of the image size.</summary>
    [Range(0.0, 0.5)]
    public double Translation { get; set; } = 0.1;

    [Range(0.1, 10.0)]
    public double ScaleMin { get; set; } = 0.9;

    [Range(0.1, 10.0)]
    public double ScaleMax { get; set; } = 1.1;

    // Appearance augmentations (AppearanceAugmenter): each image of each batch gets each one with
    // its probability. All 0 by default, which trains exactly as without them.

    /// <summary>Chance that an image's strokes get 1 px thicker or thinner each side (3x3 max or min, half each).</summary>
    [Range(0.0, 1.0)]
    public double StrokeProbability { get; set; }

    /// <summary>Chance that an image is blurred (Gaussian, sigma drawn up to <c>blurSigmaMax</c>).</summary>
    [Range(0.0, 1.0)]
    public double BlurProbability { get; set; }

    /// <summary>The largest blur sigma, in pixels.</summary>
    [Range(0.3, 3.0)]
    public double BlurSigmaMax { get; set; } = 1.5;

    /// <summary>Chance that an image gets Gaussian pixel noise (standard deviation drawn up to <c>noiseStdMax</c>).</summary>
    [Range(0.0, 1.0)]
    public double NoiseProbability { get; set; }

    /// <summary>The largest noise standard deviation, as a fraction of full ink (0.2 = 51 grey levels).</summary>
    [Range(0.0, 1.0)]
    public double NoiseStdMax { get; set; } = 0.2;

    /// <summary>Chance that an image becomes dark ink on grey paper (paper grey drawn from 30 % to 80 % of full ink).</summary>
    [Range(0.0, 1.0)]
    public double InvertProbability { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ScaleMin > ScaleMax)
        {
            yield return new ValidationResult($"'scaleMin' ({ScaleMin}) must not exceed 'scaleMax' ({ScaleMax})", [nameof(ScaleMin)]);
        }
    }
}
