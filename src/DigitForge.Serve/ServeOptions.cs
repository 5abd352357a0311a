using DigitForge.Registry.Store;
using DigitForge.Scoring.Pipeline;

namespace DigitForge.Serve;

/// <summary>How the service runs: where it listens, which registry it serves, and its input limits.</summary>
public sealed record ServeOptions
{
    public const string ApiKeyVariable = "DIGITFORGE_API_KEY";

    /// <summary>Kestrel addresses (';'-separated). Loopback only unless the operator says otherwise.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:8080";

    public string ModelsRoot { get; init; } = Path.Combine("artifacts", "models");

    /// <summary>The repository root: each configs/&lt;name&gt;/pipeline.json under it is a tabular pipeline, served too.</summary>
    public string Root { get; init; } = ".";

    /// <summary>The artifacts folder: each served pipeline's registry is &lt;artifacts&gt;/&lt;pipeline&gt;/models, its prediction log beside it.</summary>
    public string Artifacts { get; init; } = "artifacts";

    /// <summary>Most recent outcomes (feedback) per model version that the live gauges are measured on.</summary>
    public int FeedbackWindow { get; init; } = 1000;

    /// <summary>--precision: null serves a version's int8 model when it has an accepted one, else FP32; int8 only
    /// ever loads versions with an accepted int8 model (others are refused, and the service keeps what it serves).</summary>
    public ModelPrecision? Precision { get; init; }

    /// <summary>A remote registry to follow (DIGITFORGE_REGISTRY, e.g. <c>azure://models/team</c>); null: the local one in <see cref="ModelsRoot"/>, which then caches the remote's versions.</summary>
    public string? Registry { get; init; }

    /// <summary>The storage account of a remote <see cref="Registry"/> (AZURE_STORAGE_CONNECTION_STRING).</summary>
    public string? StorageConnectionString { get; init; }

    /// <summary>When set, every /v1 request must carry it (X-Api-Key header or Authorization: Bearer).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Largest request body accepted (413 beyond).</summary>
    public long MaxRequestBytes { get; init; } = 4L << 20;

    /// <summary>Pixel cap read from the image header before decoding (decompression bombs).</summary>
    public long MaxPixels { get; init; } = ScoringSettings.DefaultMaxPixels;

    /// <summary>Images accepted by one batch request.</summary>
    public int MaxBatchImages { get; init; } = 64;

    public int TopK { get; init; } = 3;

    /// <summary>MNIST-style preprocessing (on) or the image only greyed and resized (off).</summary>
    public bool Preprocess { get; init; } = true;

    /// <summary>How often registry.json is checked for a production change.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long shutdown waits for in-flight requests.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>ONNX Runtime intra-op threads per session.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Most recent predictions that live drift (digitforge_drift_psi) is measured on.</summary>
    public int DriftWindow { get; init; } = 1000;

    /// <summary>One structured log line per request (on), or none (off).</summary>
    public bool LogRequests { get; init; } = true;

    /// <summary>Which predictions go into the prediction log (DIGITFORGE_MONITOR, else monitor.db beside <see cref="ModelsRoot"/>).</summary>
    public PredictionLogMode PredictionLog { get; init; } = PredictionLogMode.Off;

    /// <summary>The registry folder of <paramref name="pipeline"/>.</summary>
    public string PipelineModels(string pipeline) => Path.Combine(PipelineHome(pipeline), "models");

    /// <summary>artifacts/&lt;pipeline&gt;, where its prediction log (monitor.db) is.</summary>
    public string PipelineHome(string pipeline) => Path.Combine(Artifacts, pipeline);

    public void Validate()
    {
        Check(MaxRequestBytes >= 1, $"--max-request-bytes {MaxRequestBytes}: expected at least 1");
        Check(MaxPixels >= 1, $"--max-pixels {MaxPixels}: expected at least 1");
        Check(MaxBatchImages >= 1, $"--max-batch {MaxBatchImages}: expected at least 1");
        Check(TopK >= 1, $"--top-k {TopK}: expected at least 1");
        Check(Threads is >= 1 and <= 1024, $"--threads {Threads}: expected 1 to 1024");
        Check(DriftWindow is >= 1 and <= 1_000_000, $"--drift-window {DriftWindow}: expected 1 to 1000000");
        Check(FeedbackWindow is >= 1 and <= 1_000_000, $"--feedback-window {FeedbackWindow}: expected 1 to 1000000");
        Check(PollInterval > TimeSpan.Zero, "--poll-ms: expected a positive interval");
    }

    private static void Check(bool valid, string problem)
    {
        if (!valid)
        {
            throw new ArgumentException(problem);
        }
    }
}
