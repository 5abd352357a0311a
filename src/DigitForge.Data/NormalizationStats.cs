namespace DigitForge.Data;

/// <summary>
/// Mean and standard deviation of pixel intensities scaled to [0, 1]; the model sees
/// (pixel / 255 - Mean) / Std. Computed on the training split only.
/// </summary>
public sealed record NormalizationStats(double Mean, double Std);
