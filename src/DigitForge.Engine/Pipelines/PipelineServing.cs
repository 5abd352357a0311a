using System.Text.Json;
using System.Text.Json.Nodes;

namespace DigitForge.Engine.Pipelines;

/// <summary>One field of a served pipeline's JSON request, as the service documents it (OpenAPI) and names it in problems.</summary>
/// <param name="Type">Its JSON Schema type: <c>string</c>, <c>integer</c>, <c>number</c> or <c>array</c>.</param>
/// <param name="Format">Its JSON Schema format (<c>uri</c>, <c>date-time</c>, <c>byte</c> ...); null: none.</param>
public sealed record ServedField(string Name, string Type, bool Required, string Description, string? Format = null);

/// <summary>A request field that is missing or unusable: the service answers a problem response naming <see cref="Field"/>.</summary>
public sealed class ServedInputException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>Reads a served request's fields, naming a field of the wrong kind in the problem.</summary>
public static class ServedRequest
{
    /// <summary>The property <paramref name="name"/>: absent or null gives null, another kind than <paramref name="kind"/> a problem naming it.</summary>
    public static JsonElement? Optional(JsonElement request, string name, JsonValueKind kind) =>
        !request.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == kind ? value
        : throw new ServedInputException(name, $"{name}: expected {Kind(kind)}, got {Kind(value.ValueKind)}");

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };
}

/// <summary>
/// One answer of a served model: the JSON the client gets, and what the prediction log keeps of it (a label with its
/// confidence, or a value).
/// </summary>
/// <param name="Id">The id the request carries for what it predicts (a story's id), which feedback names later; null: the service gives one.</param>
/// <param name="InputHash">The SHA-256 (lower-case hex) of what the model saw.</param>
public sealed record ServedPrediction(JsonObject Response, string? Id, string InputHash, string? Label, double? Confidence, double? Value);

/// <summary>A model version loaded for serving. Thread-safe: the service calls it from many requests at once.</summary>
public interface IServedModel : IDisposable
{
    /// <summary>The model's answer for <paramref name="request"/>; throws <see cref="ServedInputException"/> for a bad field.</summary>
    ServedPrediction Predict(JsonElement request);

    /// <summary>What <c>/v1/{pipeline}/model</c> says of its input beyond the request fields (precision, input shape ...).</summary>
    JsonObject Describe();
}

/// <summary>
/// How the prediction service serves a pipeline's models: a version folder of its registry loaded as a predictor of JSON
/// requests, the request's fields, and the field feedback names the true outcome in. A pipeline without one is not served.
/// </summary>
public interface IPipelineServer
{
    /// <summary>The fields of a predict request, a JSON object.</summary>
    IReadOnlyList<ServedField> RequestFields { get; }

    /// <summary>The fields of a prediction's answer (the service adds <c>id</c> and <c>model</c>).</summary>
    IReadOnlyList<ServedField> ResponseFields { get; }

    /// <summary>The field of a feedback request that holds the true outcome (beside <c>id</c>): a label or a value.</summary>
    ServedField OutcomeField { get; }

    /// <summary>Loads the version in <paramref name="versionFolder"/> (checked intact by the caller) with <paramref name="threads"/> threads per run.</summary>
    IServedModel Load(string versionFolder, int threads);
}
