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
    private readonly BatchedPredictionLog? log;

    public PredictionLogging(ServeOptions options, ILogger<PredictionLogging> logger)
    {
        mode = options.PredictionLog;
        if (mode != PredictionLogMode.Off)
        {
            log = new BatchedPredictionLog(MonitorStores.Open(Path.GetDirectoryName(options.ModelsRoot)!));
            LogOpened(logger, mode.ToString().ToLowerInvariant(), log.Location);
        }
    }

    /// <summary>Whether this request's predictions are recorded.</summary>
    public bool Wanted(HttpRequest request) => log is not null
        && (mode == PredictionLogMode.All || IsTrue(request.Headers[Header].ToString()) || IsTrue(request.Query["log"].ToString()));

    /// <summary>The id a request's prediction is recorded under: the client's <see cref="IdHeader"/>, else the request's trace id.</summary>
    public static string Id(HttpContext context) => context.Request.Headers[IdHeader].ToString() is { Length: > 0 } id ? id : context.TraceIdentifier;

    /// <param name="inputHash">The SHA-256 of the image's bytes (<see cref="PredictionRecord.HashOf"/>).</param>
    public void Record(string id, LoadedModel model, string inputHash, Prediction prediction) =>
        log!.Record(new PredictionRecord(id, DateTimeOffset.UtcNow, ScoringRun.Pipeline, model.Name, model.Model.Precision, inputHash, prediction.Label, prediction.Confidence, null, "serve"));

    public void Dispose() => log?.Dispose();

    private static bool IsTrue(string value) => value is "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "prediction log: {Mode} predictions recorded in {Location}")]
    private static partial void LogOpened(ILogger logger, string mode, string location);
}
