using DigitForge.Monitoring;
using DigitForge.Monitoring.Store;

namespace DigitForge.Serve;

/// <summary>
/// The pipelines served at /v1/{pipeline}/: one <see cref="PipelineHost"/> each, started and stopped with the service,
/// and each one's monitoring store, where feedback finds the prediction it names and records the outcome.
/// </summary>
internal sealed class ServedPipelines(IReadOnlyList<PipelineHost> hosts, ServeOptions options) : IHostedService, IDisposable
{
    private readonly Dictionary<string, (Lock Gate, Lazy<IMonitorStore> Store)> stores = hosts.ToDictionary(
        h => h.Pipeline.Name,
        h => (new Lock(), new Lazy<IMonitorStore>(() => MonitorStores.Open(options.PipelineHome(h.Pipeline.Name)))),
        StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<PipelineHost> Hosts => hosts;

    /// <summary>Runs <paramref name="use"/> on <paramref name="pipeline"/>'s store, one caller at a time (a store is not thread-safe).</summary>
    public T WithStore<T>(string pipeline, Func<IMonitorStore, T> use)
    {
        var (gate, store) = stores[pipeline];
        lock (gate)
        {
            return use(store.Value);
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var host in hosts)
        {
            await host.StartAsync(cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var host in hosts)
        {
            await host.StopAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        foreach (var host in hosts)
        {
            host.Dispose();
        }

        foreach (var (_, store) in stores.Values.Where(s => s.Store.IsValueCreated))
        {
            store.Value.Dispose();
        }
    }
}
