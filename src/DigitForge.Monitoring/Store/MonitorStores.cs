namespace DigitForge.Monitoring.Store;

/// <summary>Which monitoring database a pipeline uses: <c>DIGITFORGE_MONITOR</c> when set, else <c>monitor.db</c> in the pipeline's artifacts folder.</summary>
public static class MonitorStores
{
    public const string Variable = "DIGITFORGE_MONITOR";

    public const string FileName = "monitor.db";

    /// <summary>Opens the store for the pipeline whose artifacts are in <paramref name="pipelineHome"/> (artifacts/&lt;pipeline&gt;).</summary>
    /// <param name="setting">The value of <see cref="Variable"/>; null or empty: the embedded SQLite file.</param>
    public static IMonitorStore Open(string pipelineHome, string? setting) =>
        string.IsNullOrEmpty(setting) ? SqliteMonitorStore.Open(Path.Combine(pipelineHome, FileName)) : PostgresMonitorStore.Open(setting);

    /// <summary>As <see cref="Open(string, string?)"/> with the environment's setting.</summary>
    public static IMonitorStore Open(string pipelineHome) => Open(pipelineHome, Environment.GetEnvironmentVariable(Variable));
}
