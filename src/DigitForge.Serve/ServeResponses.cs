using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace DigitForge.Serve;

/// <summary>GET /readyz when a model is loaded.</summary>
public sealed record ReadyResponse(
    [property: Description("Always \"ready\".")] string Status,
    [property: Description("The model version served, e.g. v0003-3fa2c1d.")] string Model,
    [property: Description("\"int8\" or \"fp32\": which of the version's ONNX models serves.")] string Precision,
    [property: Description("This machine's CPU class, which decides ONNX Runtime's int8 kernels, e.g. x86-64-avx2.")] string CpuClass,
    [property: Description("The golden check run when the model was loaded.")] GoldenStatus Golden);

/// <summary>The golden check of the model served: the version's golden set run through it on this CPU.</summary>
public sealed record GoldenStatus(
    [property: Description("True when the model served reproduced its golden set; null when the version has none (promoted before golden sets).")] bool? Passed,
    [property: Description("One line: the precision, passed or FAILED, on which CPU class, and by how much.")] string Summary,
    [property: Description("Why int8 gave way to fp32, when it did; null otherwise.")] string? Fallback,
    [property: Description("Every check run at load, in order: a failed int8 check precedes the fp32 one served instead.")] IReadOnlyList<GoldenCheck> Checks);

/// <summary>One precision's golden check.</summary>
public sealed record GoldenCheck(
    [property: Description("\"int8\" or \"fp32\".")] string Precision,
    [property: Description("The CPU class the check ran on (this machine's).")] string CpuClass,
    [property: Description("The CPU class the golden set was made on, at promote.")] string ProducedOn,
    [property: Description("Images in the golden set.")] int Images,
    [property: Description("Images whose top-1 label differs from the recorded one.")] int Mismatches,
    [property: Description("Logits further from the recorded ones than 1e-3·(1 + |logit|).")] int LogitsOutOfTolerance,
    [property: Description("The largest absolute logit difference.")] double MaxLogitDeviation,
    bool Passed);

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
