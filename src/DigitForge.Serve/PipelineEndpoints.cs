using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitForge.Engine.Pipelines;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Feedback;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DigitForge.Serve;

/// <summary>
/// /v1/{pipeline}/predict, /model and /feedback for every pipeline with a server: JSON in, JSON out, and a problem
/// response (RFC 7807) naming the field of a bad request.
/// </summary>
internal static class PipelineEndpoints
{
    /// <summary>The feedback result counted for a request that is not a JSON object with a usable id and outcome.</summary>
    private const string BadRequest = "bad request";

    /// <summary>What the service adds to every answer: the prediction's id and the version that made it.</summary>
    private static readonly ServedField[] Served =
    [
        new("id", "string", true, "The prediction's id (the request's id, else the X-DigitForge-Id header, else the trace id): feedback names it."),
        new("model", "string", true, "The registry version that predicted, e.g. v0003-3fa2c1d."),
    ];

    public static void Map(WebApplication app, ServedPipelines pipelines, ServeMetrics metrics, PredictionLogging logging, ServeOptions options)
    {
        foreach (var host in pipelines.Hosts)
        {
            var name = host.Pipeline.Name;
            app.MapPost($"/v1/{name}/predict", (Func<HttpContext, Task<Results<Ok<JsonObject>, ProblemHttpResult>>>)(context => PredictAsync(context, host, metrics, logging, options)))
                .WithTags(ServeOpenApi.Predictions)
                .WithSummary($"Predicts with {name}'s production model.")
                .WithDescription(host.Pipeline.Description)
                .AddOpenApiOperationTransformer(ServeOpenApi.JsonBody(host.Server.RequestFields, [.. host.Server.ResponseFields, .. Served], logged: true))
                .ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status401Unauthorized)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
            app.MapGet($"/v1/{name}/model", Results<Ok<JsonObject>, ProblemHttpResult> () => host.Current is { } served ? TypedResults.Ok(Describe(served, host)) : NoModel(host))
                .WithTags(ServeOpenApi.Predictions)
                .WithSummary($"The {name} model served: its version, metrics and request fields.")
                .ProducesProblem(StatusCodes.Status401Unauthorized)
                .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
            var classes = OutcomeClasses(host.Pipeline);
            app.MapPost($"/v1/{name}/feedback", (Func<HttpContext, Task<Results<Ok<JsonObject>, ProblemHttpResult>>>)(context => FeedbackAsync(context, host, classes, pipelines, metrics)))
                .WithTags(ServeOpenApi.Predictions)
                .WithSummary($"Records the true outcome of a {name} prediction: the live {(classes.Count > 0 ? "accuracy" : "MAE")} gauge moves.")
                .WithDescription("The prediction must be in the prediction log (--prediction-log) under the id: a predict response's id. An unknown id (404) and an outcome outside the classes (422) are counted in digitforge_feedback_total and refused.")
                .AddOpenApiOperationTransformer(ServeOpenApi.JsonBody([new ServedField("id", "string", true, "The prediction's id, as its predict response gave it."), host.Server.OutcomeField],
                    [Served[0], Served[1], new ServedField("predicted", classes.Count > 0 ? "string" : "number", true, "What the model predicted."), host.Server.OutcomeField], logged: false))
                .ProducesValidationProblem()
                .ProducesProblem(StatusCodes.Status401Unauthorized)
                .ProducesProblem(StatusCodes.Status404NotFound)
                .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        }
    }

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> PredictAsync(HttpContext context, PipelineHost host, ServeMetrics metrics, PredictionLogging logging, ServeOptions options)
    {
        using var request = await ReadAsync(context);
        if (request is null)
        {
            return Invalid("$", "the body is not JSON");
        }

        using var lease = host.Acquire();
        if (lease is not { } held)
        {
            return NoModel(host);
        }

        var version = held.Model;
        context.Items[ServeApp.ModelItem] = version.Name;
        ServedPrediction prediction;
        try
        {
            prediction = version.Model.Predict(request.RootElement);
        }
        catch (ServedInputException ex)
        {
            return Invalid(ex.Field, ex.Message);
        }

        var name = host.Pipeline.Name;
        metrics.PipelinePredicted(name);
        var id = prediction.Id ?? PredictionLogging.Id(context);
        if (logging.Wanted(context.Request))
        {
            logging.Record(options.PipelineHome(name), new PredictionRecord(id, DateTimeOffset.UtcNow, name, version.Name, null, prediction.InputHash,
                prediction.Label, prediction.Confidence, prediction.Value, PredictionLogging.Source));
        }

        var response = prediction.Response;
        response["id"] = id;
        response["model"] = version.Name;
        return TypedResults.Ok(response);
    }

    /// <summary>
    /// The classes an outcome must be one of: a monitored pipeline's, else its class names (a recipe-only classifier's
    /// labels as its CSV spells them); none: a regression, whose outcomes are numbers.
    /// </summary>
    private static IReadOnlyList<string> OutcomeClasses(IPipelineDefinition pipeline) => pipeline is IMonitoredPipeline monitored ? monitored.Classes : pipeline.ClassNames ?? [];

    private static async Task<Results<Ok<JsonObject>, ProblemHttpResult>> FeedbackAsync(HttpContext context, PipelineHost host, IReadOnlyList<string> classes, ServedPipelines pipelines, ServeMetrics metrics)
    {
        var name = host.Pipeline.Name;
        var field = host.Server.OutcomeField.Name;
        using var body = await ReadAsync(context);
        if (body?.RootElement is not { ValueKind: JsonValueKind.Object } request)
        {
            metrics.Feedback(name, BadRequest);
            return Invalid("$", $"expected a JSON object with id and {field}");
        }

        if (Text(request, "id") is not { } id)
        {
            metrics.Feedback(name, BadRequest);
            return Invalid("id", "id: required, the prediction's id (a string or a whole number)");
        }

        if (Text(request, field) is not { } label)
        {
            metrics.Feedback(name, BadRequest);
            return Invalid(field, $"{field}: required, {host.Server.OutcomeField.Description}");
        }

        var classifier = classes.Count > 0;
        if (LabelFeedback.Refusal(classes.ToHashSet(StringComparer.Ordinal), label, out var value) is { } why)
        {
            metrics.Feedback(name, why);
            return Invalid(field, $"{field} '{label}': {why}" + (classifier ? $"; the classes are {string.Join(", ", classes)}" : string.Empty), StatusCodes.Status422UnprocessableEntity);
        }

        var prediction = pipelines.WithStore(name, store =>
        {
            var found = store.LastPrediction(name, id);
            if (found is not null)
            {
                store.RecordOutcomes([new Outcome(name, id, classifier ? label : null, value, DateTimeOffset.UtcNow, PredictionLogging.Source)]);
            }

            return found;
        });
        if (prediction is null)
        {
            metrics.Feedback(name, LabelFeedback.UnknownId);
            return Invalid("id", $"id '{id}': no {name} prediction is logged under it (predict with logging on: --prediction-log)", StatusCodes.Status404NotFound);
        }

        var score = classifier ? (prediction.Prediction == label ? 1.0 : 0.0) : Math.Abs((prediction.Value ?? 0) - value!.Value);
        metrics.Outcome(name, prediction.ModelVersion, classifier, score);
        return TypedResults.Ok(new JsonObject
        {
            ["id"] = id,
            ["model"] = prediction.ModelVersion,
            ["predicted"] = classifier ? prediction.Prediction : prediction.Value,
            [field] = classifier ? label : value,
        });
    }

    /// <summary>The body as JSON; null when it is not JSON.</summary>
    private static async Task<JsonDocument?> ReadAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A string property as it is, a number as its JSON text; null when absent or another kind.</summary>
    private static string? Text(JsonElement request, string name) =>
        !request.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString() is { Length: > 0 } text ? text : null
        : value.ValueKind == JsonValueKind.Number ? value.GetRawText()
        : null;

    /// <summary>A problem response (a validation problem: its errors name the field) for a bad <paramref name="field"/>.</summary>
    private static ProblemHttpResult Invalid(string field, string detail, int status = StatusCodes.Status400BadRequest) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [detail] })
        {
            Status = status,
            Title = $"Invalid field '{field}'",
            Detail = detail,
        });

    private static JsonObject Describe(ServedVersion served, PipelineHost host)
    {
        var description = new JsonObject
        {
            ["pipeline"] = host.Pipeline.Name,
            ["version"] = served.Name,
            ["number"] = served.Number,
            ["createdAt"] = served.Created.ToString("O", CultureInfo.InvariantCulture),
            ["loadedAt"] = served.LoadedAt.ToString("O", CultureInfo.InvariantCulture),
            ["metrics"] = served.Metrics?.DeepClone(),
            ["input"] = new JsonArray([.. host.Server.RequestFields.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["type"] = f.Type, ["required"] = f.Required })]),
            ["feedback"] = host.Server.OutcomeField.Name,
        };
        foreach (var (key, value) in served.Model.Describe())
        {
            description[key] = value?.DeepClone();
        }

        return description;
    }

    private static ProblemHttpResult NoModel(PipelineHost host) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No model", detail: $"no production {host.Pipeline.Name} model loaded from {host.RegistryPath}");
}
