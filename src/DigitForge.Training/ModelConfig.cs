using System.ComponentModel.DataAnnotations;
using DigitForge.Engine.Sweeps;

namespace DigitForge.Training;

/// <summary>The <c>model</c> section: the seeds' CNN, with its sizes exposed.</summary>
public sealed class ModelConfig : IValidatableObject
{
    /// <summary>Output channels of the three convolutions (5x5, 5x5, 3x3).</summary>
    [Required]
    public int[] Channels { get; set; } = [32, 64, 128];

    /// <summary>Widths of the two hidden fully connected layers.</summary>
    [Required]
    public int[] Hidden { get; set; } = [256, 128];

    /// <summary>Dropout2d rate after the second convolution block.</summary>
    [Range(0.0, 0.9)]
    public double ConvDropout { get; set; } = 0.1;

    /// <summary>Dropout rate after the first hidden layer.</summary>
    [Range(0.0, 0.9)]
    [SweepRange(0.0, 0.5)]
    public double FcDropout { get; set; } = 0.2;

    public bool BatchNorm { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Channels.Length != 3 || Channels.Any(c => c is < 1 or > 1024))
        {
            yield return new ValidationResult("expected 3 channel counts between 1 and 1024", [nameof(Channels)]);
        }

        if (Hidden.Length != 2 || Hidden.Any(h => h is < 1 or > 8192))
        {
            yield return new ValidationResult("expected 2 hidden sizes between 1 and 8192", [nameof(Hidden)]);
        }
    }
}
