using System.Text.Json.Nodes;
using DigitForge.Inference;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using DigitForge.Scoring.Models;
using DigitForge.Remote;

namespace DigitForge.Serve;

/// <summary>
/// Serves the registry's production model and follows it: the registry is checked every poll interval
/// (re-read when it changed: a local registry.json's time stamp or size, a remote one's ETag by a
/// conditional GET; see DIGITFORGE_REGISTRY) and, when production moves to another version
/// (promotion or rollback), that version is loaded beside the current one and swapped in atomically.
/// Requests hold a reference to the model they started with, so the old session is disposed only after
/// the last of them finishes.
/// </summary>
internal sealed partial class ModelHost(ServeOptions options, ServeMetrics metrics, ILogger<ModelHost> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private LoadedModel? current;
    private Task? polling;
    private readonly ModelRegistry registry = OpenRegistry(options);
    private string? lastSeen;
    private int failedVersion;
    private int disposed;

    public string RegistryPath => registry.FilePath;

    /// <summary>The registry followed: the remote one of <see cref="ServeOptions.Registry"/>, else the local one in the models folder.</summary>
    public static ModelRegistry OpenRegistry(ServeOptions options) =>
        RegistrySettings.Open(options.ModelsRoot, ModelResolver.Pipeline, options.Registry, options.StorageConnectionString);

    /// <summary>The model now served, for display only (no reference is taken).</summary>
    public LoadedModel? Current => Volatile.Read(ref current);

    /// <summary>The current model with a reference the caller must release (dispose the lease); null before any model is loaded.</summary>
    public ModelLease? Acquire()
    {
        while (true)
        {
            var model = Volatile.Read(ref current);
            if (model is null)
            {
                return null;
            }

            if (model.TryAcquire())
            {
                return new ModelLease(model);
            }

            // Released between the read and the acquire: a newer model is already in place.
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Refresh(force: true);
        polling = Task.Run(() => PollAsync(stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await stopping.CancelAsync();
        if (polling is not null)
        {
            await polling.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose()
    {
        // Registered as a singleton and as the hosted service, so disposed twice.
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        stopping.Cancel();
        Interlocked.Exchange(ref current, null)?.Release();
        stopping.Dispose();
    }

    private async Task PollAsync(CancellationToken token)
    {
        using var timer = new PeriodicTimer(options.PollInterval);
        var ticks = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(token))
            {
                // A full read now and then covers file systems with coarse time stamps.
                Refresh(force: ++ticks % 30 == 0);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }

    /// <summary>Loads the production version if it is not the one served. Never throws: a registry or model
    /// that cannot be read is logged and the current model stays.</summary>
    internal void Refresh(bool force)
    {
        try
        {
            var seen = registry.ChangeToken();
            if (!force && seen == lastSeen)
            {
                return;
            }

            if (seen != lastSeen)
            {
                // A change to the registry gives a version that failed to load another chance.
                failedVersion = 0;
            }

            lastSeen = seen;
            var production = registry.Production();
            if (production is null)
            {
                if (Current is null)
                {
                    LogNoProduction(logger, RegistryPath);
                }

                return;
            }

            if (production.Version == Current?.Number || production.Version == failedVersion)
            {
                return;
            }

            LoadedModel loaded;
            try
            {
                loaded = Load(production);
            }
            catch
            {
                failedVersion = production.Version;
                throw;
            }

            var previous = Interlocked.Exchange(ref current, loaded);
            metrics.ModelSwapped(loaded);
            LogSwapped(logger, loaded.Name, loaded.Model.Precision, previous?.Name ?? "none");
            previous?.Release();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Retried at the next change of registry.json (or the next full read, for an unreadable registry).
            metrics.ReloadFailed();
            LogRefreshFailed(logger, ex.Message);
        }
    }

    private LoadedModel Load(RegistryEntry entry)
    {
        var version = StoredVersion(registry, entry);
        registry.Store.EnsureIntact(version);
        if (!File.Exists(version.OnnxPath))
        {
            throw new InvalidDataException($"{entry.Name} has no {ModelVersion.OnnxFileName} ({version.OnnxPath}); it was stored before models were exported to ONNX: promote a new version");
        }

        var (model, choice, golden) = LoadChecked(registry, version, options);
        if (golden.Fallback is { } fallback)
        {
            LogFallback(logger, entry.Name, fallback);
        }

        try
        {
            // Warm the session up so the first request after a swap is as fast as the others.
            var pixels = new byte[model.Rows * model.Columns];
            var logits = new float[model.Classes];
            model.Logits(pixels, logits, 1);
            var metricsFile = version.File("metrics.json");
            var metricsNode = File.Exists(metricsFile)
                ? JsonNode.Parse(File.ReadAllText(metricsFile))
                : JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(entry.Metrics));
            return new LoadedModel(model, entry.Version, entry.Name, entry.CreatedAt, metricsNode, LoadedModel.ReadReference(choice.OnnxPath)) { Golden = golden };
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

    /// <summary>The entry's stored version; a remote one is downloaded into the models folder's cache first (checked against its manifest before use).</summary>
    internal static ModelVersion StoredVersion(ModelRegistry registry, RegistryEntry entry) => registry.Store.Get(registry.GetStored(entry.Version).Version);

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

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "No production model in {Registry} yet; /readyz reports not ready")]
    private static partial void LogNoProduction(ILogger logger, string registry);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Could not load the production model: {Reason}; still serving the previous one")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}

/// <summary>A request's reference to the model it scores with.</summary>
internal readonly struct ModelLease(LoadedModel model) : IDisposable
{
    public LoadedModel Model { get; } = model;

    public void Dispose() => Model.Release();
}
