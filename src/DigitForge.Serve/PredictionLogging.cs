using System.Collections.Concurrent;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Store;
using DigitForge.Scoring.Pipeline;

namespace DigitForge.Serve;

/// <summary>Which predictions the service records in the prediction log (<c>--prediction-log</c>).</summary>
public enum PredictionLogMode
{
    /// <summary>None; the log is not opened.</summary>
    Off,

    /// <summary>Those of requests that ask for it: header <c>X-DigitForge-Log: true</c> or query <c>?log=true</c>.</summary>
    Requested,

    /// <summary>Every prediction.</summary>
    All,
}

/// <summary>
/// The service's side of the prediction log: decides per request whether to record, and records
/// through the batched log, so a request only queues its records. Disposed with the service, which
/// stores what is pending.
/// </summary>
internal sealed partial class PredictionLogging : IDisposable
{
    public const string Header = "X-DigitForge-Log";

    /// <summary>The client's id of what it sends (a file path, a ticket); default: the request's trace id.</summary>
    public const string IdHeader = "X-DigitForge-Id";

    private readonly PredictionLogMode mode;
    private readonly string digitsHome;
    private readonly ConcurrentDictionary<string, Lazy<BatchedPredictionLog>> logs = new(StringComparer.Ordinal);

    /// <summary>Opens the log of the digit routes and of each home in <paramref name="homes"/> (artifacts/&lt;pipeline&gt;) now,
    /// so a store that cannot be used stops the start instead of the first logged request.</summary>
    public PredictionLogging(ServeOptions options, IEnumerable<string> homes, ILogger<PredictionLogging> logger)
    {
        mode = options.PredictionLog;
        digitsHome = Path.GetDirectoryName(options.ModelsRoot)!;
        if (mode != PredictionLogMode.Off)
        {
            foreach (var home in homes.Prepend(digitsHome))
            {
                LogOpened(logger, mode.ToString().ToLowerInvariant(), Log(home).Location);
            }
        }
    }

    /// <summary>Whether this request's predictions are recorded.</summary>
    public bool Wanted(HttpRequest request) => mode != PredictionLogMode.Off
        && (mode == PredictionLogMode.All || IsTrue(request.Headers[Header].ToString()) || IsTrue(request.Query["log"].ToString()));

    /// <summary>The id a request's prediction is recorded under: the client's <see cref="IdHeader"/>, else the request's trace id.</summary>
    public static string Id(HttpContext context) => context.Request.Headers[IdHeader].ToString() is { Length: > 0 } id ? id : context.TraceIdentifier;

    /// <param name="inputHash">The SHA-256 of the image's bytes (<see cref="PredictionRecord.HashOf"/>).</param>
    public void Record(string id, LoadedModel model, string inputHash, Prediction prediction) =>
        Log(digitsHome).Record(new PredictionRecord(id, DateTimeOffset.UtcNow, ScoringRun.Pipeline, model.Name, model.Model.Precision, inputHash, prediction.Label, prediction.Confidence, null, Source));

    /// <summary>Records <paramref name="record"/> in the log of the pipeline whose artifacts are in <paramref name="home"/>.</summary>
    public void Record(string home, PredictionRecord record) => Log(home).Record(record);

    /// <summary>What the log names the service as the source of its records.</summary>
    public const string Source = "serve";

    public void Dispose()
    {
        foreach (var log in logs.Values.Where(l => l.IsValueCreated))
        {
            log.Value.Dispose();
        }
    }

    private BatchedPredictionLog Log(string home) =>
        logs.GetOrAdd(Path.GetFullPath(home), full => new Lazy<BatchedPredictionLog>(() => new BatchedPredictionLog(MonitorStores.Open(full)))).Value;

    private static bool IsTrue(string value) => value is "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "prediction log: {Mode} predictions recorded in {Location}")]
    private static partial void LogOpened(ILogger logger, string mode, string location);
}
