using DigitForge.Inference;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using DigitForge.Scoring.Models;
using DigitForge.Remote;

namespace DigitForge.Serve;

/// <summary>
/// Serves the digit registry's production model (the routes without a pipeline: /v1/predict, /v1/predict/batch,
/// /v1/model) and follows promotions and rollbacks (<see cref="RegistryFollower{TModel}"/>).
/// </summary>
internal sealed partial class ModelHost(ServeOptions options, ServeMetrics metrics, ILogger<ModelHost> logger)
    : RegistryFollower<LoadedModel>(OpenRegistry(options), options, metrics, logger)
{
    /// <summary>The registry followed: the remote one of <see cref="ServeOptions.Registry"/>, else the local one in the models folder.</summary>
    public static ModelRegistry OpenRegistry(ServeOptions options) =>
        RegistrySettings.Open(options.ModelsRoot, ModelResolver.Pipeline, options.Registry, options.StorageConnectionString);

    protected override void Swapped(LoadedModel loaded, LoadedModel? previous)
    {
        Metrics.ModelSwapped(loaded);
        LogSwapped(Logger, loaded.Name, loaded.Model.Precision, previous?.Name ?? "none");
    }

    protected override LoadedModel Load(RegistryEntry entry)
    {
        var version = StoredVersion(Registry, entry);
        Registry.Store.EnsureIntact(version);
        if (!File.Exists(version.OnnxPath))
        {
            throw new InvalidDataException($"{entry.Name} has no {ModelVersion.OnnxFileName} ({version.OnnxPath}); it was stored before models were exported to ONNX: promote a new version");
        }

        var (model, choice, golden) = LoadChecked(Registry, version, Options);
        if (golden.Fallback is { } fallback)
        {
            LogFallback(Logger, entry.Name, fallback);
        }

        try
        {
            // Warm the session up so the first request after a swap is as fast as the others.
            var pixels = new byte[model.Rows * model.Columns];
            var logits = new float[model.Classes];
            model.Logits(pixels, logits, 1);
            return new LoadedModel(model, entry.Version, entry.Name, entry.CreatedAt, VersionMetrics(version, entry), LoadedModel.ReadReference(choice.OnnxPath)) { Golden = golden };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The model of <paramref name="version"/> served with <paramref name="options"/>' precision, loaded as it is served and
    /// checked against the version's golden set (<see cref="GoldenGate"/>: a default int8 that fails gives way to FP32).
    /// Throws <see cref="InvalidDataException"/> when int8 is asked for and the version has no accepted int8 model, and
    /// <see cref="GoldenCheckFailedException"/> when the model must not be served on this CPU.
    /// </summary>
    internal static CheckedModel LoadChecked(ModelRegistry registry, ModelVersion version, ServeOptions options) =>
        GoldenGate.Load(version, SelectFile(registry, version, options.Precision), options.Precision is not null, "serving",
            path => OnnxDigitModel.Load(path, options.Threads, spinWhenIdle: false));

    /// <summary>The ONNX file of <paramref name="version"/> for <paramref name="precision"/>; throws <see cref="InvalidDataException"/>
    /// naming the version and why when int8 is asked for and it has no accepted int8 model.</summary>
    private static PrecisionChoice SelectFile(ModelRegistry registry, ModelVersion version, ModelPrecision? precision) =>
        PrecisionChoice.TrySelect(version, registry.Store.ReadManifest(version), precision, out var choice, out var problem)
            ? choice
            : throw new InvalidDataException(problem);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Serving model {ModelVersion} at precision {Precision} (was {PreviousVersion})")]
    private static partial void LogSwapped(ILogger logger, string modelVersion, string precision, string previousVersion);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "{ModelVersion}: {Fallback}")]
    private static partial void LogFallback(ILogger logger, string modelVersion, string fallback);
}

