using System.ComponentModel.DataAnnotations;

namespace DigitForge.Monitoring;

/// <summary>
/// The <c>monitor</c> section of a recipe: when ground truth is due, and the thresholds
/// <c>digitforge monitor</c> judges the last complete day against (a breach exits 5).
/// </summary>
public sealed class MonitorConfig
{
    /// <summary>Hours after its prediction that a story's comment count is taken as final (<c>digitforge outcomes</c>).</summary>
    [Range(0.0, 8760.0)]
    public double SettleHours { get; set; } = 48;

    /// <summary>How far live accuracy may fall below the accuracy the version was promoted with, in points of a fraction: 0.02 = 2 points.</summary>
    [Range(0.0, 1.0)]
    public double MaxAccuracyDrop { get; set; } = 0.02;

    /// <summary>How much larger than the promoted MAE the live MAE may be, as a fraction: 0.25 = 25 %.</summary>
    [Range(0.0, 100.0)]
    public double MaxMaeIncrease { get; set; } = 0.25;

    /// <summary>The largest population stability index of a day's predictions against the version's reference.</summary>
    [Range(0.0, 100.0)]
    public double MaxPsi { get; set; } = 0.25;

    /// <summary>The fewest predictions a day must have; fewer is a breach, and a figure measured on fewer is shown but not judged.</summary>
    [Range(0, int.MaxValue)]
    public int MinVolume { get; set; } = 100;
}
