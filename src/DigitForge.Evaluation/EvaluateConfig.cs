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
}
