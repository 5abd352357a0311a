using System.ComponentModel.DataAnnotations;

namespace DigitForge.Evaluation;

/// <summary>The <c>evaluate</c> section.</summary>
public sealed class EvaluateConfig
{
    /// <summary>Images per forward pass.</summary>
    [Range(1, 65536)]
    public int BatchSize { get; set; } = 1000;

    /// <summary>How many of the most confidently wrong test images to list.</summary>
    [Range(0, 1000)]
    public int WorstExamples { get; set; } = 20;

    /// <summary>The test split under realistic shifts (docs/robustness.md).</summary>
    [Required]
    public RobustnessConfig Robustness { get; set; } = new();
}

/// <summary>The <c>evaluate.robustness</c> section: accuracy on shifted copies of the test split.</summary>
public sealed class RobustnessConfig
{
    /// <summary>Whether to score the shifted test sets (metrics.json's <c>robustness</c> section).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seeds the random shifts (rotation, move, noise), so every run shifts the same images the same way.</summary>
    [Range(0, int.MaxValue)]
    public int Seed { get; set; } = 42;
}
