using System.ComponentModel.DataAnnotations;

namespace DigitForge.Registry.Gate;

/// <summary>The <c>gate</c> section: what a candidate must reach to replace production. Values are fractions (0.98 = 98 %).</summary>
public sealed class GateConfig
{
    [Range(0.0, 1.0)]
    public double MinAccuracy { get; set; } = 0.98;

    /// <summary>Every class must reach this recall, so one weak class cannot hide behind a good average.</summary>
    [Range(0.0, 1.0)]
    public double MinClassRecall { get; set; } = 0.95;

    /// <summary>How far below production's accuracy (same test set) a candidate may fall: the noise tolerance.</summary>
    [Range(0.0, 1.0)]
    public double MaxAccuracyDrop { get; set; } = 0.002;

    /// <summary>
    /// The accuracy the candidate must keep on its worst shifted test set (evaluate.robustness).
    /// Unset (null, the default): the worst shift is recorded in the decision but not checked.
    /// </summary>
    [Range(0.0, 1.0)]
    public double? MinWorstShiftAccuracy { get; set; }
}
