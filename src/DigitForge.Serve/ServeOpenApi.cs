using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace DigitForge.Serve;

/// <summary>
/// The service's OpenAPI document (/openapi/v1.json), generated from the endpoints' typed results and metadata.
/// A copy is checked in at docs/openapi/serve.v1.json; a test fails when the two differ.
/// </summary>
internal static class ServeOpenApi
{
    public const string DocumentName = "v1";

    public const string Route = "/openapi/{documentName}.json";

    /// <summary>Tag of the probes and metrics, which never need the API key.</summary>
    public const string Operations = "operations";

    /// <summary>Tag of the /v1 endpoints.</summary>
    public const string Predictions = "predictions";

    public static void Configure(OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        document.Info = new OpenApiInfo
        {
            Title = "DigitForge prediction service",
            Version = DocumentName,
            Description = "Serves each pipeline's production model at /v1/{pipeline}/ (JSON requests; feedback moves the live gauges) and the digit registry's at /v1/predict, "
                + "and follows promotions and rollbacks. "
                + "When the service runs with --api-key (or DIGITFORGE_API_KEY), every /v1 request needs the key in the X-Api-Key header or as Authorization: Bearer <key>.",
        };

        // The address depends on where the service runs; the checked-in document must not.
        document.Servers = [];
        return Task.CompletedTask;
    });

    /// <summary>The JSON request body of a pipeline's endpoint, from its fields (the endpoints read it themselves, so nothing is inferred),
    /// and its answer's fields; <paramref name="logged"/>: with the prediction-log parameters.</summary>
    public static Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> JsonBody(
        IReadOnlyList<Engine.Pipelines.ServedField> fields, IReadOnlyList<Engine.Pipelines.ServedField> answer, bool logged) => (operation, _, _) =>
    {
        if (logged)
        {
            AddLogParameters(operation);
        }

        operation.RequestBody = new OpenApiRequestBody { Required = true, Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = Schema(fields) } } };
        if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content?.TryGetValue("application/json", out var json) == true)
        {
            json.Schema = Schema(answer);
        }

        return Task.CompletedTask;
    };

    private static OpenApiSchema Schema(IReadOnlyList<Engine.Pipelines.ServedField> fields) => new()
    {
        Type = JsonSchemaType.Object,
        Required = fields.Where(f => f.Required).Select(f => f.Name).ToHashSet(),
        Properties = fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)new OpenApiSchema
        {
            Type = f.Type switch { "integer" => JsonSchemaType.Integer, "number" => JsonSchemaType.Number, "array" => JsonSchemaType.Array, _ => JsonSchemaType.String },
            Format = f.Format,
            Description = f.Description,
        }),
    };

    /// <summary>The request body of the predict endpoints, which read it themselves (so nothing is inferred), and their prediction-log parameters.</summary>
    public static Func<OpenApiOperation, OpenApiOperationTransformerContext, CancellationToken, Task> ImageBody(bool batch) => (operation, _, _) =>
    {
        var binary = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        var form = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "images" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["images"] = batch
                    ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = binary, Description = "The images (any field name): PNG, JPEG, BMP or GIF." }
                    : new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = "The one image (any field name): PNG, JPEG, BMP or GIF." },
            },
        };
        var content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = form } };
        if (!batch)
        {
            foreach (var type in new[] { "image/png", "image/jpeg", "image/bmp", "image/gif", "application/octet-stream" })
            {
                content[type] = new OpenApiMediaType { Schema = binary };
            }
        }

        AddLogParameters(operation);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = batch ? "A multipart form of image files." : "An image, raw or as the one file of a multipart form; the content, not the content type, decides the format.",
            Content = content,
        };
        return Task.CompletedTask;
    };

    /// <summary>The prediction log's opt-in (digitforge-serve --prediction-log requested) and the id a record gets.</summary>
    private static void AddLogParameters(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        var flag = new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["true", "1"] };
        operation.Parameters.Add(new OpenApiParameter { Name = PredictionLogging.Header, In = ParameterLocation.Header, Schema = flag,
            Description = "true: record this request's predictions in the prediction log, when the service runs with --prediction-log requested." });
        operation.Parameters.Add(new OpenApiParameter { Name = "log", In = ParameterLocation.Query, Schema = flag, Description = $"As the {PredictionLogging.Header} header." });
        operation.Parameters.Add(new OpenApiParameter { Name = PredictionLogging.IdHeader, In = ParameterLocation.Header, Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            Description = "The id the prediction is recorded under (a batch's images: <id>/<file name>); default: the request's trace id." });
    }
}
