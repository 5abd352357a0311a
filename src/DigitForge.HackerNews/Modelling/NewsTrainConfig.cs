using System.ComponentModel.DataAnnotations;
using DigitForge.Engine.Sweeps;

namespace DigitForge.HackerNews.Modelling;

/// <summary>What the trees learn to predict; predictions are always reported as comment counts.</summary>
public enum NewsTarget
{
    /// <summary>log(1 + comments): a few stories with hundreds of comments no longer dominate the squared error.</summary>
    Log1p,

    /// <summary>The raw comment count, as the seed's XGBoost model does.</summary>
    Count,
}

/// <summary>What a prediction estimates for a story: the trees' least-squares fit, or that fit shifted to the median.</summary>
public enum NewsCenter
{
    /// <summary>The trees' output as it is: the mean of the target given the features.</summary>
    Mean,

    /// <summary>
    /// The trees' output plus the median training residual: the median of the target given the
    /// features, when the residuals spread alike everywhere. The absolute error (MAE) is smallest at the median.
    /// </summary>
    Median,
}

/// <summary>The <c>train</c> section of the Hacker News recipe: FastTree gradient-boosted regression trees.</summary>
public sealed class NewsTrainConfig
{
    public NewsTarget Target { get; set; } = NewsTarget.Log1p;

    public NewsCenter Center { get; set; } = NewsCenter.Median;

    [Range(1, 10_000)]
    public int Trees { get; set; } = 200;

    [Range(2, 1024)]
    [SweepRange(4, 64)]
    public int Leaves { get; set; } = 16;

    [Range(1e-6, 1.0)]
    [SweepRange(0.02, 0.4, Log = true)]
    public double LearningRate { get; set; } = 0.1;

    [Range(1, 100_000)]
    [SweepRange(5, 100)]
    public int MinExamplesPerLeaf { get; set; } = 20;

    public int Seed { get; set; } = 42;
}
