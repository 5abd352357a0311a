using System.ComponentModel.DataAnnotations;

namespace DigitForge.Data;

/// <summary>The <c>preprocess</c> section: how the ingested images are split.</summary>
public sealed class PreprocessConfig
{
    /// <summary>Share of the images held out for testing; ignored when the source has an official test set.</summary>
    [Range(0.01, 0.9)]
    public double TestFraction { get; set; } = 0.2;

    /// <summary>Share of the remaining (non-test) images held out for validation.</summary>
    [Range(0.01, 0.9)]
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>Seed of the stratified shuffle.</summary>
    [Range(0, int.MaxValue)]
    public int Seed { get; set; } = 42;

    /// <summary>Keep at most this many images per class before splitting (0 = all); for quick recipes.</summary>
    [Range(0, int.MaxValue)]
    public int MaxPerClass { get; set; }
}
