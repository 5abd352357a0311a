using System.ComponentModel.DataAnnotations;

namespace DigitForge.HackerNews.Evaluation;

/// <summary>The <c>gate</c> section of the Hacker News recipe: what a candidate must reach to replace production.</summary>
public sealed class NewsGateConfig
{
    /// <summary>The model must rank test stories by comments at least this well (Spearman, comment counts).</summary>
    [Range(-1.0, 1.0)]
    public double MinSpearman { get; set; } = 0.10;

    /// <summary>How much larger than production's MAE (same test set) the candidate's may be, as a fraction: 0.02 = 2 %.</summary>
    [Range(0.0, 10.0)]
    public double MaxMaeIncrease { get; set; } = 0.02;
}
