using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace DigitForge.Serve;

/// <summary>GET /readyz when a model is loaded.</summary>
public sealed record ReadyResponse(
    [property: Description("Always \"ready\".")] string Status,
    [property: Description("The model version served, e.g. v0003-3fa2c1d.")] string Model);

/// <summary>GET /v1/model: the model served and the input contract.</summary>
public sealed record ModelDescription(
    [property: Description("The registry's name of the version, e.g. v0003-3fa2c1d.")] string Version,
    [property: Description("The version number in the registry.")] int Number,
    [property: Description("The version stamped into the ONNX file.")] string OnnxVersion,
    [property: Description("\"int8\" (the version's statically quantized model) or \"fp32\": which of its ONNX models scores.")] string Precision,
    DateTimeOffset Created,
    DateTimeOffset LoadedAt,
    [property: Description("The version's metrics.json (test-set accuracy and more), as written when it was registered.")] JsonNode? Metrics,
    ModelInput Input);

/// <summary>What /v1/predict and /v1/predict/batch accept.</summary>
public sealed record ModelInput(
    IReadOnlyList<string> Formats,
    string RecognisedBy,
    long MaxRequestBytes,
    long MaxPixels,
    int MaxBatchImages,
    string Preprocessing,
    [property: Description("The model's input shape: channels, rows, columns.")] IReadOnlyList<int> Shape,
    [property: Description("The labels the model predicts, in output order.")] IReadOnlyList<string> Labels);

/// <summary>POST /v1/predict/batch: one result per image, in the order of the form's files.</summary>
public sealed record BatchResponse(
    [property: Description("The model version that scored the batch.")] string Model,
    [property: Description("Images in the request.")] int Count,
    [property: Description("Images that could not be scored.")] int Failed,
    IReadOnlyList<BatchResult> Results);

/// <summary>One image of a batch: its prediction, or why it could not be scored (never both).</summary>
public sealed record BatchResult
{
    [Description("The file name the form gave the image.")]
    public required string File { get; init; }

    [Description("The prediction; absent when the image could not be scored.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Prediction? Prediction { get; init; }

    [Description("Why the image could not be scored (status 415 unsupported, 422 corrupt or too large to decode); absent when it was predicted.")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ImageProblem? Error { get; init; }
}
