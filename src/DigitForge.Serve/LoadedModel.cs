using System.Text.Json.Nodes;
using DigitForge.Inference;
using DigitForge.Inference.Drift;
using DigitForge.Scoring.Models;

namespace DigitForge.Serve;

/// <summary>
/// One production digit model as served: its ONNX session (disposed after the last reference, see
/// <see cref="SharedModel"/>) and what /v1/model says about it.
/// </summary>
internal sealed class LoadedModel(OnnxDigitModel model, int number, string name, DateTimeOffset created, JsonNode? metrics, PredictionProfile? reference = null) : SharedModel
{
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

    protected override void Free() => Model.Dispose();

    /// <summary>The reference.json beside <paramref name="onnxPath"/>, or null when there is none.</summary>
    public static PredictionProfile? ReadReference(string onnxPath)
    {
        var path = Path.Combine(Path.GetDirectoryName(onnxPath)!, PredictionProfile.FileName);
        return File.Exists(path) ? Engine.Storage.JsonFile.Read<PredictionProfile>(path) : null;
    }
}
