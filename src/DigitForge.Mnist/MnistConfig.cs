using System.ComponentModel.DataAnnotations;
using DigitForge.Data;
using DigitForge.Evaluation;
using DigitForge.Registry.Gate;
using DigitForge.Training;

namespace DigitForge.Mnist;

/// <summary>The MNIST recipe (configs/mnist/*.json): one section per stage concern.</summary>
public sealed class MnistConfig
{
    [Required]
    public DataConfig? Data { get; set; }

    [Required]
    public PreprocessConfig Preprocess { get; set; } = new();

    [Required]
    public ModelConfig Model { get; set; } = new();

    [Required]
    public TrainConfig Train { get; set; } = new();

    [Required]
    public EvaluateConfig Evaluate { get; set; } = new();

    /// <summary>The quality gate a candidate must pass to become production.</summary>
    [Required]
    public GateConfig Promote { get; set; } = new();

    /// <summary>Live monitoring of the served model: when feedback is judged, and the thresholds <c>digitforge monitor</c> alerts on.</summary>
    public Monitoring.MonitorConfig Monitor { get; set; } = new();
}
