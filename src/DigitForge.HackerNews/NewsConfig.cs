using System.ComponentModel.DataAnnotations;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Splitting;

namespace DigitForge.HackerNews;

/// <summary>The Hacker News recipe (configs/hn/*.json): one section per stage concern.</summary>
public sealed class NewsConfig
{
    [Required]
    public NewsDataConfig Data { get; set; } = new();

    [Required]
    public SplitConfig Split { get; set; } = new();

    [Required]
    public FeaturesConfig Features { get; set; } = new();

    [Required]
    public NewsTrainConfig Train { get; set; } = new();

    /// <summary>The quality gate a candidate must pass to become production.</summary>
    [Required]
    public NewsGateConfig Promote { get; set; } = new();

    /// <summary>Live monitoring of the served model: when comment counts are settled, and the thresholds <c>digitforge monitor</c> alerts on.</summary>
    public Monitoring.MonitorConfig Monitor { get; set; } = new();
}
