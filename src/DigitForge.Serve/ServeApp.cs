using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using DigitForge.Pipelines;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DigitForge.Serve;

/// <summary>The service: Kestrel, the middleware (request log and metrics, problem details, API key) and the endpoints.</summary>
public static partial class ServeApp
{
    internal const string ModelItem = "digitforge.model";

    public static WebApplication Build(ServeOptions options)
    {
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBytes;
        });
        builder.Services.Configure<FormOptions>(form =>
        {
            form.MultipartBodyLengthLimit = options.MaxRequestBytes;
            form.BufferBodyLengthLimit = options.MaxRequestBytes;
            form.ValueCountLimit = options.MaxBatchImages + 16;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json =>
        {
            json.UseUtcTimestamp = true;
            json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Services.AddProblemDetails(problem => problem.CustomizeProblemDetails = context =>
        {
            // No exception details, ever; the trace id lets an operator find the log line.
            context.ProblemDetails.Extensions.Remove("exception");
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        });
        // Numbers are numbers: no quoted numbers read, so the OpenAPI schemas say "integer", not "integer or string".
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        builder.Services.AddOpenApi(ServeOpenApi.DocumentName, ServeOpenApi.Configure);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ServeMetrics>();
        builder.Services.AddSingleton<Predictor>();
        var served = PipelineCatalog.In(options.Root).Where(p => p.Server is not null).ToList();
        builder.Services.AddSingleton(services => new PredictionLogging(options, served.Select(p => options.PipelineHome(p.Name)), services.GetRequiredService<ILogger<PredictionLogging>>()));
        builder.Services.AddSingleton<ModelHost>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ModelHost>());
        builder.Services.AddSingleton(services => new ServedPipelines(
            [.. served.Select(p => new PipelineHost(p, options, services.GetRequiredService<ServeMetrics>(), services.GetRequiredService<ILogger<PipelineHost>>()))], options));
        builder.Services.AddHostedService(services => services.GetRequiredService<ServedPipelines>());

        var app = builder.Build();
        var metrics = app.Services.GetRequiredService<ServeMetrics>();
        var host = app.Services.GetRequiredService<ModelHost>();
        var requestLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("DigitForge.Serve.Requests");

        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var elapsed = Stopwatch.GetElapsedTime(started);
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
                var status = context.Response.StatusCode;
                metrics.Request(context.Request.Method, route, status, elapsed.TotalSeconds);
                if (options.LogRequests)
                {
                    LogRequest(requestLog, context.Request.Method, context.Request.Path.Value ?? "/", status, Math.Round(elapsed.TotalMilliseconds, 3),
                        context.Items[ModelItem] as string ?? host.Current?.Name ?? "none");
                }
            }
        });
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex is BadHttpRequestException bad ? bad.StatusCode : ex is InvalidDataException ? StatusCodes.Status413PayloadTooLarge : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            if (options.ApiKey is { Length: > 0 } key && context.Request.Path.StartsWithSegments("/v1") && !HasKey(context.Request, key))
            {
                context.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\", Bearer";
                await TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                    detail: "this service requires an API key: send it in the X-Api-Key header or as Authorization: Bearer <key>").ExecuteAsync(context);
                return;
            }

            await next(context);
        });

        app.MapOpenApi(ServeOpenApi.Route).ExcludeFromDescription();
        app.MapGet("/healthz", () => TypedResults.Text("ok\n"))
            .WithTags(ServeOpenApi.Operations)
            .WithSummary("Liveness: the process answers.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        app.MapGet("/readyz", Results<Ok<ReadyResponse>, ProblemHttpResult> () => host.Current is { } model
                ? TypedResults.Ok(Ready(model))
                : TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not ready", detail: $"no production model loaded from {host.RegistryPath}"))
            .WithTags(ServeOpenApi.Operations)
            .WithSummary("Readiness: a production model is loaded; with the CPU class and the model's golden check.")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/metrics", (HttpContext context) => TypedResults.Stream(stream => metrics.ExportAsync(stream, context.RequestAborted), "text/plain; version=0.0.4; charset=utf-8"))
            .WithTags(ServeOpenApi.Operations)
            .WithSummary("Prometheus metrics (text exposition format 0.0.4).")
            .WithDescription("Requests, latency, predictions per label, confidence, the model served and live drift against the model's reference; see docs/service.md.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        app.MapGet("/v1/model", Results<Ok<ModelDescription>, ProblemHttpResult> () => host.Current is { } model ? TypedResults.Ok(Describe(model, options)) : NoModel(host))
            .WithTags(ServeOpenApi.Predictions)
            .WithSummary("The model served: its version, metrics and input contract.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        var predictor = app.Services.GetRequiredService<Predictor>();

        // Opened here, so a store that cannot be used stops the start instead of the first logged request.
        var logging = app.Services.GetRequiredService<PredictionLogging>();
        app.MapPost("/v1/predict", (Func<HttpContext, Task<Results<Ok<Prediction>, ProblemHttpResult>>>)(context => PredictOne(context, options, host, predictor, metrics, logging)))
            .WithTags(ServeOpenApi.Predictions)
            .WithSummary("Predicts the digit in one image.")
            .WithDescription("The body is the image itself (any content type: PNG, JPEG, BMP or GIF are recognised by their first bytes) or a multipart/form-data form with exactly one file.")
            .AddOpenApiOperationTransformer(ServeOpenApi.ImageBody(batch: false))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/v1/predict/batch", (Func<HttpContext, Task<Results<Ok<BatchResponse>, ProblemHttpResult>>>)(context => PredictBatch(context, options, host, predictor, metrics, logging)))
            .WithTags(ServeOpenApi.Predictions)
            .WithSummary("Predicts the digits in several images, one model run.")
            .WithDescription("A multipart/form-data form with 1 to --max-batch files. An image that cannot be scored gets an error in its result; the others are still predicted.")
            .AddOpenApiOperationTransformer(ServeOpenApi.ImageBody(batch: true))
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        PipelineEndpoints.Map(app, app.Services.GetRequiredService<ServedPipelines>(), metrics, logging, options);
        return app;
    }

    private static ReadyResponse Ready(LoadedModel model)
    {
        var golden = model.Golden;
        var checks = golden?.Checks ?? [];
        var served = checks.LastOrDefault(c => c.Precision == model.Model.Precision);
        return new ReadyResponse("ready", model.Name, model.Model.Precision, Inference.CpuClass.Current, new GoldenStatus(
            served?.Passed,
            golden?.Summary ?? "golden check: not run",
            golden?.Fallback,
            [.. checks.Select(c => new GoldenCheck(c.Precision, c.CpuClass, c.ProducedOn, c.Images, c.Mismatches, c.LogitsOutOfTolerance, c.MaxLogitDeviation, c.Passed))]));
    }

    private static ModelDescription Describe(LoadedModel model, ServeOptions options) => new(
        model.Name,
        model.Number,
        model.Model.Version,
        model.Model.Precision,
        model.Created,
        model.LoadedAt,
        model.Metrics,
        new ModelInput(
            ["image/png", "image/jpeg", "image/bmp", "image/gif"],
            "content (first bytes), not the content type or file name",
            options.MaxRequestBytes,
            options.MaxPixels,
            options.MaxBatchImages,
            options.Preprocess ? "mnist (grey, crop, scale to 20x20, centre of mass in 28x28)" : "raw (grey, resize)",
            model.Model.Metadata.InputShape,
            model.Model.Labels));

    private static ProblemHttpResult NoModel(ModelHost host) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "No model", detail: $"no production model loaded from {host.RegistryPath}");

    private static ProblemHttpResult Problem(ImageProblem problem) => TypedResults.Problem(statusCode: problem.Status, title: problem.Title, detail: problem.Detail);

    private static async Task<Results<Ok<Prediction>, ProblemHttpResult>> PredictOne(HttpContext context, ServeOptions options, ModelHost host, Predictor predictor, ServeMetrics metrics, PredictionLogging logging)
    {
        byte[] buffer;
        int length;
        // Only multipart is a form here: curl --data-binary labels a raw image as url-encoded.
        if (IsMultipart(context.Request))
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (form.Files.Count != 1)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "One image expected",
                    detail: $"the form holds {form.Files.Count} files; send one (or use /v1/predict/batch)");
            }

            (buffer, length) = await ReadAsync(form.Files[0].OpenReadStream(), form.Files[0].Length, options.MaxRequestBytes, context.RequestAborted);
        }
        else
        {
            (buffer, length) = await ReadAsync(context.Request.Body, context.Request.ContentLength, options.MaxRequestBytes, context.RequestAborted);
        }

        try
        {
            using var lease = host.Acquire();
            if (lease is not { } held)
            {
                return NoModel(host);
            }

            var model = held.Model;
            context.Items[ModelItem] = model.Name;
            var pixels = new byte[model.Model.Rows * model.Model.Columns];
            if (predictor.Prepare(buffer, length, model.Model, pixels) is { } problem)
            {
                metrics.ImageFailed();
                return Problem(problem);
            }

            var prediction = predictor.Predict(model, pixels, 1);
            metrics.Predicted(model, prediction);
            if (logging.Wanted(context.Request))
            {
                logging.Record(PredictionLogging.Id(context), model, Monitoring.PredictionRecord.HashOf(buffer.AsSpan(0, length)), prediction[0]);
            }

            return TypedResults.Ok(prediction[0]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<Results<Ok<BatchResponse>, ProblemHttpResult>> PredictBatch(HttpContext context, ServeOptions options, ModelHost host, Predictor predictor, ServeMetrics metrics, PredictionLogging logging)
    {
        if (!IsMultipart(context.Request))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Multipart form expected",
                detail: "send the images as files of a multipart/form-data body");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var files = form.Files;
        if (files.Count == 0 || files.Count > options.MaxBatchImages)
        {
            return TypedResults.Problem(statusCode: files.Count == 0 ? StatusCodes.Status400BadRequest : StatusCodes.Status413PayloadTooLarge,
                title: files.Count == 0 ? "No images" : "Too many images",
                detail: $"the form holds {files.Count} files; send 1 to {options.MaxBatchImages}");
        }

        using var lease = host.Acquire();
        if (lease is not { } held)
        {
            return NoModel(host);
        }

        var model = held.Model;
        context.Items[ModelItem] = model.Name;
        var size = model.Model.Rows * model.Model.Columns;
        var pixels = new byte[files.Count * size];
        var problems = new ImageProblem?[files.Count];
        var hashes = logging.Wanted(context.Request) ? new string[files.Count] : null;
        var good = new List<int>(files.Count);
        for (var i = 0; i < files.Count; i++)
        {
            var (buffer, length) = await ReadAsync(files[i].OpenReadStream(), files[i].Length, options.MaxRequestBytes, context.RequestAborted);
            try
            {
                problems[i] = predictor.Prepare(buffer, length, model.Model, pixels.AsSpan(good.Count * size, size));
                if (hashes is not null)
                {
                    hashes[i] = Monitoring.PredictionRecord.HashOf(buffer.AsSpan(0, length));
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (problems[i] is null)
            {
                good.Add(i);
            }
            else
            {
                metrics.ImageFailed();
            }
        }

        var predictions = good.Count > 0 ? predictor.Predict(model, pixels, good.Count) : [];
        metrics.Predicted(model, predictions);
        var results = new BatchResult[files.Count];
        for (var i = 0; i < files.Count; i++)
        {
            var index = good.IndexOf(i);
            results[i] = new BatchResult { File = files[i].FileName, Prediction = index >= 0 ? predictions[index] : null, Error = problems[i] };
            if (hashes is not null && index >= 0)
            {
                // Each image under the request's id and its file name in the form.
                logging.Record($"{PredictionLogging.Id(context)}/{files[i].FileName}", model, hashes[i], predictions[index]);
            }
        }

        return TypedResults.Ok(new BatchResponse(model.Name, files.Count, files.Count - good.Count, results));
    }

    /// <summary>The whole stream in a pooled buffer (return it to <see cref="ArrayPool{T}.Shared"/>); more than
    /// <paramref name="limit"/> bytes is a 413.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadAsync(Stream stream, long? declared, long limit, CancellationToken token)
    {
        if (declared > limit)
        {
            throw new BadHttpRequestException($"the image is {declared:N0} bytes, over the limit of {limit:N0}", StatusCodes.Status413PayloadTooLarge);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(declared ?? 0, 4096, limit));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= limit)
                    {
                        throw new BadHttpRequestException($"the image is over the limit of {limit:N0} bytes", StatusCodes.Status413PayloadTooLarge);
                    }

                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(limit + 1, (long)buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length), token);
                if (read == 0)
                {
                    return (buffer, length);
                }

                length += read;
                if (length > limit)
                {
                    throw new BadHttpRequestException($"the image is over the limit of {limit:N0} bytes", StatusCodes.Status413PayloadTooLarge);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static bool IsMultipart(HttpRequest request) =>
        request.ContentType?.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase) == true;

    private static bool HasKey(HttpRequest request, string key)
    {
        var given = request.Headers["X-Api-Key"].ToString();
        if (given.Length == 0 && request.Headers.Authorization.ToString() is { } auth && auth.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            given = auth["Bearer ".Length..].Trim();
        }

        return given.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Method} {Path} {Status} {LatencyMs} ms model {ModelVersion}")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, double latencyMs, string modelVersion);
}
