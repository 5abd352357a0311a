using System.CommandLine;
using System.Globalization;
using DigitForge.Engine.Config;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using DigitForge.Scoring.Models;
using DigitForge.Remote;

namespace DigitForge.Serve;

/// <summary><c>digitforge-serve [options]</c>: the command line, mapped onto <see cref="ServeOptions"/>.</summary>
public static class ServeCommand
{
    private static readonly Option<string?> Urls = new("--urls") { Description = "Addresses to listen on, ';'-separated (default http://127.0.0.1:8080)." };

    private static readonly Option<int?> Port = new("--port", "-p") { Description = "Listen on http://127.0.0.1:PORT (ignored with --urls)." };

    private static readonly Option<string> ModelsRoot = new("--models-root")
    {
        Description = "Model registry folder (holds registry.json); its production model is served and followed. With DIGITFORGE_REGISTRY=azure://... the remote registry is followed and this folder caches its versions.",
        DefaultValueFactory = _ => Path.Combine("artifacts", "models"),
    };

    private static readonly Option<string> Root = new("--root")
    {
        Description = "The repository root: every ROOT/configs/<name>/pipeline.json declares a tabular pipeline, served too.",
        DefaultValueFactory = _ => Directory.GetCurrentDirectory(),
    };

    private static readonly Option<string> Artifacts = new("--artifacts")
    {
        Description = "The artifacts folder: every pipeline with a server is served from its registry ARTIFACTS/<pipeline>/models at /v1/<pipeline>/... (its prediction log and feedback in ARTIFACTS/<pipeline>/monitor.db, or DIGITFORGE_MONITOR).",
        DefaultValueFactory = _ => "artifacts",
    };

    private static readonly Option<int> FeedbackWindow = new("--feedback-window") { Description = "Recent outcomes per model version that the live accuracy / MAE gauges are measured on.", DefaultValueFactory = _ => 1000 };

    private static readonly Option<string?> Precision = new("--precision")
    {
        Description = "int8 or fp32: which of the production version's models serves. Default: int8 when the version has an accepted int8 model, else fp32. With int8, a production version without one is refused (exit 2 at start), and so is one whose int8 model fails its golden check here (exit 10 at start); later either is kept out and the current model stays. By default an int8 model that fails its golden check gives way to fp32.",
    };

    private static readonly Option<string?> ApiKey = new("--api-key") { Description = $"Require this key on /v1 requests (X-Api-Key or Authorization: Bearer). Default: ${ServeOptions.ApiKeyVariable}, or none." };

    private static readonly Option<long> MaxRequestBytes = new("--max-request-bytes") { Description = "Largest request body (413 beyond).", DefaultValueFactory = _ => 4L << 20 };

    private static readonly Option<long> MaxPixels = new("--max-pixels") { Description = "Largest image (width x height) decoded.", DefaultValueFactory = _ => new ServeOptions().MaxPixels };

    private static readonly Option<int> MaxBatch = new("--max-batch") { Description = "Most images in one batch request.", DefaultValueFactory = _ => 64 };

    private static readonly Option<int> TopK = new("--top-k", "-k") { Description = "Labels (with probabilities) per prediction.", DefaultValueFactory = _ => 3 };

    private static readonly Option<bool> Raw = new("--raw") { Description = "Turn MNIST-style preprocessing off (inputs are already MNIST-like)." };

    private static readonly Option<int> Threads = new("--threads") { Description = "ONNX Runtime intra-op threads.", DefaultValueFactory = _ => 1 };

    private static readonly Option<int> PollMs = new("--poll-ms") { Description = "How often registry.json is checked for a new production model.", DefaultValueFactory = _ => 1000 };

    private static readonly Option<int> ShutdownSeconds = new("--shutdown-timeout") { Description = "Seconds shutdown waits for in-flight requests.", DefaultValueFactory = _ => 10 };

    private static readonly Option<int> DriftWindow = new("--drift-window") { Description = "Recent predictions that live drift against the model's reference is measured on.", DefaultValueFactory = _ => 1000 };

    private static readonly Option<PredictionLogMode> PredictionLog = new("--prediction-log")
    {
        Description = $"Which predictions are recorded in the prediction log (DIGITFORGE_MONITOR=postgres://..., else monitor.db beside --models-root): off; requested (requests with the header {PredictionLogging.Header}: true or the query ?log=true; the id is the {PredictionLogging.IdHeader} header or the request's trace id); all.",
        DefaultValueFactory = _ => PredictionLogMode.Off,
    };

    private static readonly Option<bool> NoRequestLog = new("--no-request-log") { Description = "Do not write a log line per request." };

    /// <summary>The model does not reproduce its golden set on this CPU (digitforge-score's code for the same).</summary>
    public const int GoldenCheckFailedExitCode = 10;

    public static RootCommand Create()
    {
        var command = new RootCommand("Serves the production model of every pipeline with a server over HTTP (POST /v1/<pipeline>/predict, /v1/<pipeline>/feedback; GET /v1/<pipeline>/model), and the digit registry's at POST /v1/predict, /v1/predict/batch, GET /v1/model; with /healthz, /readyz, /metrics, /openapi/v1.json.")
        {
            Urls, Port, ModelsRoot, Root, Artifacts, Precision, ApiKey, MaxRequestBytes, MaxPixels, MaxBatch, TopK, Raw, Threads, PollMs, ShutdownSeconds, DriftWindow, FeedbackWindow, NoRequestLog, PredictionLog,
        };
        command.SetAction(parse =>
        {
            ServeOptions options;
            try
            {
                options = Options(parse);
            }
            catch (FormatException ex)
            {
                Console.Error.WriteLine($"error: --precision: {ex.Message}");
                return 2;
            }

            WebApplication app;
            try
            {
                // A bad DIGITFORGE_REGISTRY is a configuration error at start, not a log line per poll.
                var registry = ModelHost.OpenRegistry(options);
                CheckPrecision(registry, options);
                app = ServeApp.Build(options);
            }
            catch (Exception ex) when (ex is ArgumentException or ConfigException or InvalidDataException or Inference.InvalidOnnxModelException or Monitoring.Store.MonitorStoreException)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return 2;
            }
            catch (GoldenCheckFailedException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return GoldenCheckFailedExitCode;
            }

            app.Run();
            return 0;
        });
        return command;
    }

    private static ServeOptions Options(ParseResult parse)
    {
        var urls = parse.GetValue(Urls)
            ?? (parse.GetValue(Port) is { } port ? string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}") : null);
        return new ServeOptions
        {
            Precision = parse.GetValue(Precision) is { } precision ? PrecisionChoice.Parse(precision) : null,
            Urls = urls ?? new ServeOptions().Urls,
            ModelsRoot = Path.GetFullPath(parse.GetValue(ModelsRoot)!),
            Root = Path.GetFullPath(parse.GetValue(Root)!),
            Artifacts = Path.GetFullPath(parse.GetValue(Artifacts)!),
            FeedbackWindow = parse.GetValue(FeedbackWindow),
            Registry = NonEmpty(Environment.GetEnvironmentVariable(RegistrySettings.RegistryVariable)),
            StorageConnectionString = NonEmpty(Environment.GetEnvironmentVariable(RemoteCacheSettings.ConnectionStringVariable)),
            ApiKey = parse.GetValue(ApiKey) ?? NonEmpty(Environment.GetEnvironmentVariable(ServeOptions.ApiKeyVariable)),
            MaxRequestBytes = parse.GetValue(MaxRequestBytes),
            MaxPixels = parse.GetValue(MaxPixels),
            MaxBatchImages = parse.GetValue(MaxBatch),
            TopK = parse.GetValue(TopK),
            Preprocess = !parse.GetValue(Raw),
            Threads = parse.GetValue(Threads),
            PollInterval = TimeSpan.FromMilliseconds(parse.GetValue(PollMs)),
            ShutdownTimeout = TimeSpan.FromSeconds(parse.GetValue(ShutdownSeconds)),
            DriftWindow = parse.GetValue(DriftWindow),
            LogRequests = !parse.GetValue(NoRequestLog),
            PredictionLog = parse.GetValue(PredictionLog),
        };
    }

    /// <summary>
    /// --precision int8 with a production version that has no accepted int8 model, or whose int8 model fails its golden
    /// check here: a start-up error naming the version and why. (Later, such a version is kept out and the current model stays.)
    /// </summary>
    private static void CheckPrecision(ModelRegistry registry, ServeOptions options)
    {
        if (options.Precision == ModelPrecision.Int8 && registry.Production() is { } production)
        {
            // Intact first, so a modified golden set or model reads as damage rather than as a failed check.
            var version = ModelHost.StoredVersion(registry, production);
            registry.Store.EnsureIntact(version);
            ModelHost.LoadChecked(registry, version, options).Model.Dispose();
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
