using System.ComponentModel.DataAnnotations;

namespace DigitForge.Tabular;

/// <summary>
/// A tabular pipeline's recipe (configs/&lt;name&gt;/default.json, ci.json): the knobs a sweep or <c>--set</c> changes.
/// What the pipeline is (its source, columns, task) is declared once in its pipeline.json.
/// </summary>
public sealed class TabularConfig
{
    [Required]
    public TabularSplitConfig Split { get; set; } = new();

    [Required]
    public TabularTrainConfig Train { get; set; } = new();

    /// <summary>The quality gate a candidate must pass to become production.</summary>
    [Required]
    public TabularGateConfig Promote { get; set; } = new();
}

/// <summary>How the rows are cut into train and test: seeded, stratified by class for a classifier, at random for a regression.</summary>
public sealed class TabularSplitConfig
{
    /// <summary>The share of rows (of each class, for a classifier) held out for the test split.</summary>
    [Range(0.05, 0.5)]
    public double TestFraction { get; set; } = 0.25;

    /// <summary>Seeds the shuffle: the same seed gives the same split anywhere.</summary>
    public int Seed { get; set; } = 42;
}

/// <summary>The ML.NET trainer and its options.</summary>
public sealed class TabularTrainConfig
{
    /// <summary>The trainer by name: SdcaMaximumEntropy, LbfgsMaximumEntropy, FastTree (classification); Sdca, FastTree (regression).</summary>
    [Required]
    public string Trainer { get; set; } = "FastTree";

    /// <summary>The trainer's options by name (each trainer lists those it takes); absent ones keep ML.NET's defaults.</summary>
    public Dictionary<string, double> Options { get; set; } = [];

    /// <summary>Seeds ML.NET: with one training thread, the same data and seed give the same model bytes.</summary>
    public int Seed { get; set; } = 1;
}

/// <summary>The gate: a bound per metric, and how much worse than production the headline metric may be.</summary>
public sealed class TabularGateConfig
{
    /// <summary>Per metric, the bound it must reach in its sense: a minimum for accuracy, macroF1 or r2, a maximum for logLoss, mae or rmse.</summary>
    public Dictionary<string, double> Thresholds { get; set; } = [];

    /// <summary>How much worse than production's the headline metric (accuracy; MAE for a regression) may be, as a fraction of it.</summary>
    [Range(0.0, 1.0)]
    public double MaxHeadlineLoss { get; set; } = 0.02;
}
