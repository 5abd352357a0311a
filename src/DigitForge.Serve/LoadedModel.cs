using System.Text.Json.Nodes;
using DigitForge.Inference;
using DigitForge.Inference.Drift;
using DigitForge.Scoring.Models;

namespace DigitForge.Serve;

/// <summary>
/// One production model as served: its ONNX session and what /v1/model says about it. Reference
/// counted: the host holds one reference while it is current, each request one while it uses it;
/// the session is disposed when the last reference goes, so a swap never breaks a request in flight.
/// </summary>
internal sealed class LoadedModel(OnnxDigitModel model, int number, string name, DateTimeOffset created, JsonNode? metrics, PredictionProfile? reference = null)
{
    private int references = 1;

    public OnnxDigitModel Model { get; } = model;

    public int Number { get; } = number;

    /// <summary>The registry's folder name, e.g. v0003-3fa2c1d.</summary>
    public string Name { get; } = name;

    public DateTimeOffset Created { get; } = created;

    public JsonNode? Metrics { get; } = metrics;

    /// <summary>The version's test-set prediction profile (reference.json beside model.onnx), live drift's baseline; null when it has none.</summary>
    public PredictionProfile? Reference { get; } = reference;

    public DateTimeOffset LoadedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>The golden check run when the model was loaded (and why int8 gave way to FP32, if it did).</summary>
    public GoldenOutcome? Golden { get; init; }

    public bool Disposed => Volatile.Read(ref references) == 0;

    /// <summary>Takes a reference unless the model is already released (then the caller reads the current one again).</summary>
    public bool TryAcquire()
    {
        var count = Volatile.Read(ref references);
        while (count > 0)
        {
            var seen = Interlocked.CompareExchange(ref references, count + 1, count);
            if (seen == count)
            {
                return true;
            }

            count = seen;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref references) == 0)
        {
            Model.Dispose();
        }
    }

    /// <summary>The reference.json beside <paramref name="onnxPath"/>, or null when there is none.</summary>
    public static PredictionProfile? ReadReference(string onnxPath)
    {
        var path = Path.Combine(Path.GetDirectoryName(onnxPath)!, PredictionProfile.FileName);
        return File.Exists(path) ? Engine.Storage.JsonFile.Read<PredictionProfile>(path) : null;
    }
}
