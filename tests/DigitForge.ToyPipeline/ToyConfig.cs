using System.ComponentModel.DataAnnotations;
using DigitForge.Registry.Gate;

namespace DigitForge.ToyPipeline;

/// <summary>The toy pipeline's recipe.</summary>
public sealed class ToyConfig
{
    public ToyData Data { get; set; } = new();

    public ToyTrain Train { get; set; } = new();

    public GateConfig Promote { get; set; } = new() { MinAccuracy = 0.5, MinClassRecall = 0.5, MaxAccuracyDrop = 0 };
}

/// <summary>Rows x = i/rows, labelled high when x &gt; 0.5, every <see cref="NoiseEvery"/>-th label flipped.</summary>
public sealed class ToyData
{
    [Range(8, 100_000)]
    public int Rows { get; set; } = 200;

    [Range(2, 1000)]
    public int NoiseEvery { get; set; } = 10;
}

/// <summary>The threshold is the best of this many evenly spaced candidates on the training rows.</summary>
public sealed class ToyTrain
{
    [Range(2, 10_000)]
    public int Candidates { get; set; } = 101;
}
