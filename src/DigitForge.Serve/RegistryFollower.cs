using DigitForge.Registry;
using DigitForge.Registry.Store;

namespace DigitForge.Serve;

/// <summary>
/// A model that requests share: reference counted, the follower holds one reference while it is current, each request
/// one while it uses it; it is freed when the last reference goes, so a swap never breaks a request in flight.
/// </summary>
internal abstract class SharedModel
{
    private int references = 1;

    /// <summary>Takes a reference unless the model is already released (then the caller reads the current one again).</summary>
    public bool TryAcquire()
    {
        var count = Volatile.Read(ref references);
        while (count > 0)
        {
            var seen = Interlocked.CompareExchange(ref references, count + 1, count);
            if (seen == count)
            {
                return true;
            }

            count = seen;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref references) == 0)
        {
            Free();
        }
    }

    /// <summary>Frees what the model holds (its session); called once, after the last reference.</summary>
    protected abstract void Free();
}

/// <summary>A request's reference to the model it predicts with.</summary>
internal readonly struct ModelLease<TModel>(TModel model) : IDisposable
    where TModel : SharedModel
{
    public TModel Model { get; } = model;

    public void Dispose() => Model.Release();
}

/// <summary>
/// Serves a registry's production model and follows it: the registry is checked every poll interval (re-read when it
/// changed: a local registry.json's time stamp or size, a remote one's ETag by a conditional GET; see
/// DIGITFORGE_REGISTRY) and, when production moves to another version (promotion or rollback), that version is loaded
/// beside the current one and swapped in atomically. Requests hold a reference to the model they started with, so the
/// old one is freed only after the last of them finishes.
/// </summary>
internal abstract class RegistryFollower<TModel>(ModelRegistry registry, ServeOptions options, ServeMetrics metrics, ILogger logger) : IHostedService, IDisposable
    where TModel : SharedModel
{
    private readonly CancellationTokenSource stopping = new();
    private TModel? current;
    private int currentVersion;
    private Task? polling;
    private string? lastSeen;
    private int failedVersion;
    private int disposed;

    public string RegistryPath => registry.FilePath;

    protected ModelRegistry Registry => registry;

    protected ServeOptions Options => options;

    protected ServeMetrics Metrics => metrics;

    protected ILogger Logger => logger;

    /// <summary>The model now served, for display only (no reference is taken).</summary>
    public TModel? Current => Volatile.Read(ref current);

    /// <summary>The current model with a reference the caller must release (dispose the lease); null before any model is loaded.</summary>
    public ModelLease<TModel>? Acquire()
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
                return new ModelLease<TModel>(model);
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

    /// <summary>Loads the registry's version <paramref name="entry"/>; throws when it cannot be served.</summary>
    protected abstract TModel Load(RegistryEntry entry);

    /// <summary>Called once <paramref name="loaded"/> serves in place of <paramref name="previous"/> (null: none), before the previous is released.</summary>
    protected abstract void Swapped(TModel loaded, TModel? previous);

    /// <summary>The entry's stored version; a remote one is downloaded into the models folder's cache first (checked against its manifest before use).</summary>
    internal static ModelVersion StoredVersion(ModelRegistry registry, RegistryEntry entry) => registry.Store.Get(registry.GetStored(entry.Version).Version);

    /// <summary>What /v1/model shows of a version's metrics: its metrics.json, else the registry's figures.</summary>
    protected static System.Text.Json.Nodes.JsonNode? VersionMetrics(ModelVersion version, RegistryEntry entry)
    {
        var file = version.File("metrics.json");
        return File.Exists(file)
            ? System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))
            : System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(entry.Metrics));
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
                    ServeLog.NoProduction(logger, RegistryPath);
                }

                return;
            }

            if (production.Version == currentVersion || production.Version == failedVersion)
            {
                return;
            }

            TModel loaded;
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
            currentVersion = production.Version;
            Swapped(loaded, previous);
            previous?.Release();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Retried at the next change of registry.json (or the next full read, for an unreadable registry).
            metrics.ReloadFailed();
            ServeLog.RefreshFailed(logger, RegistryPath, ex.Message);
        }
    }
}

/// <summary>The log lines of following a registry.</summary>
internal static partial class ServeLog
{
    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "No production model in {Registry} yet; its routes answer 503 (for the digit routes, /readyz too)")]
    public static partial void NoProduction(ILogger logger, string registry);

    [LoggerMessage(EventId = 12, Level = LogLevel.Error, Message = "Could not load the production model of {Registry}: {Reason}; still serving the previous one")]
    public static partial void RefreshFailed(ILogger logger, string registry, string reason);
}
