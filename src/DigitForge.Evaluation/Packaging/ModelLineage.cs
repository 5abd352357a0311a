using DigitForge.Engine.Records;
using Newtonsoft.Json.Linq;

namespace DigitForge.Evaluation.Packaging;

/// <summary>
/// Where a model version came from, stored as the details of its <c>manifest.json</c>: the
/// fingerprints of every stage that made it (data files, config, code), the resolved config,
/// library versions, timings, headline metrics, the ONNX parity measured, and the production
/// version it was built against.
/// </summary>
public sealed record ModelLineage(
    string Version,
    string WeightsSha256,
    string TestSetSha256,
    string? ParentProduction,
    IReadOnlyDictionary<string, StageLineage> Stages,
    JObject Config,
    IReadOnlyDictionary<string, string> Libraries,
    ModelTimings Timings,
    HeadlineMetrics Metrics,
    OnnxExportFacts Onnx);

/// <summary>One upstream stage's lock record, minus its outputs: what went into it.</summary>
public sealed record StageLineage(
    string Fingerprint,
    IReadOnlyDictionary<string, string> Code,
    string ConfigSha256,
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyDictionary<string, string> Inputs,
    IReadOnlyDictionary<string, string> Environment,
    DateTimeOffset StartedAt,
    double Seconds)
{
    public static StageLineage Of(StageRecord record) => new(
        record.Fingerprint,
        record.Components.Code,
        record.Components.Config,
        record.Components.Files,
        record.Components.Inputs,
        record.Components.Environment,
        record.StartedAt,
        record.Seconds);

    /// <summary>The fingerprint parts this entry was copied from, to compare with a new run's.</summary>
    public FingerprintComponents ToComponents() => new()
    {
        Code = Sorted(Code),
        Config = ConfigSha256,
        Files = Sorted(Files),
        Inputs = Sorted(Inputs),
        Environment = Sorted(Environment),
    };

    private static SortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string>? hashes) =>
        new(hashes?.ToDictionary() ?? [], StringComparer.Ordinal);
}

public sealed record ModelTimings(double TrainSeconds, int EpochsRun, int BestEpoch, double TrainImagesPerSecond, double EvaluateSeconds, double ExportSeconds);

public sealed record HeadlineMetrics(int TestImages, double Accuracy, double Loss, double LowestRecall, int LowestRecallLabel, double ExpectedCalibrationError);

public sealed record OnnxExportFacts(string File, long Opset, long IrVersion, OnnxParity Parity);
