using System.Diagnostics;
using System.Text.Json.Serialization;
using DigitForge.Training.Loop;

namespace DigitForge.Benchmarks;

/// <summary>One training loop's run: per-epoch training throughput (validation excluded) and phases.</summary>
internal sealed record TrainingMeasurement(string Loop, double[] ImagesPerSecond, double[] TrainLoss, EpochPhases[] Phases, long PeakMemoryBytes)
{
    /// <summary>Mean of the epochs after the first, which pays libtorch's one-off set-up.</summary>
    [JsonIgnore]
    public double SteadyImagesPerSecond => ImagesPerSecond.Length > 1 ? ImagesPerSecond[1..].Average() : ImagesPerSecond[0];
}

/// <summary>Scoring the test split with trained weights, as the Evaluate stage does.</summary>
/// <param name="FirstPassImagesPerSecond">The first pass in a fresh process: what Evaluate sees.</param>
/// <param name="WarmImagesPerSecond">The mean of the passes after it.</param>
internal sealed record EvaluationMeasurement(int Images, int BatchSize, double FirstPassImagesPerSecond, double WarmImagesPerSecond, double Accuracy, long PeakMemoryBytes);

internal static class PeakMemory
{
    /// <summary>The process's peak resident set (VmHWM on Linux).</summary>
    public static long Bytes()
    {
        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}
