using DigitForge.Scoring.Listing;
using DigitForge.Scoring.Models;

namespace DigitForge.Scoring.Pipeline;

/// <summary>Everything one scoring run is asked to do, as given on the command line.</summary>
public sealed record ScoringRequest
{
    public required string Folder { get; init; }

    /// <summary><c>production</c>, <c>vN</c> or a path to an .onnx file.</summary>
    public string Model { get; init; } = ModelResolver.Production;

    public string ModelsRoot { get; init; } = Path.Combine("artifacts", "models");

    /// <summary><c>--precision</c>: null uses a version's int8 model when it has an accepted one, else FP32.</summary>
    public Registry.Store.ModelPrecision? Precision { get; init; }

    /// <summary>.csv or .jsonl.</summary>
    public string Output { get; init; } = "predictions.csv";

    public bool Recursive { get; init; }

    /// <summary>Score every file, not only those named as images (hidden files are still skipped).</summary>
    public bool AllFiles { get; init; }

    public Shard Shard { get; init; } = Shard.All;

    /// <summary>Continue an existing output file, skipping the files it already has rows for.</summary>
    public bool Resume { get; init; }

    /// <summary>Replace an existing output file.</summary>
    public bool Overwrite { get; init; }

    public double MinConfidence { get; init; } = 0.8;

    /// <summary>Population stability index above which the scored folder counts as drifted from the test set.</summary>
    public double DriftThreshold { get; init; } = Inference.Drift.DriftCheck.DefaultThreshold;

    public ScoringSettings Settings { get; init; } = new();

    /// <summary>
    /// <c>--log</c>: record every prediction in the pipeline's prediction log (<c>DIGITFORGE_MONITOR</c>, else
    /// <c>monitor.db</c> beside the models folder). Needs a registry version: a file given by path has none.
    /// </summary>
    public bool Log { get; init; }

    /// <summary>The time the log records for each prediction; null: when it is made. Lets a run be dated (a scripted week, a backfill).</summary>
    public DateTimeOffset? LogTime { get; init; }
}
