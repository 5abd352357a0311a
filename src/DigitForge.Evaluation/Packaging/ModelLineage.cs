using DigitForge.Engine.Records;
using Newtonsoft.Json.Linq;

namespace DigitForge.Evaluation.Packaging;

/// <summary>
/// Where a model version came from, stored as the details of its <c>manifest.json</c>: the
/// fingerprints of every stage that made it (data files, config, code), the resolved config,
/// library versions, timings, headline metrics, the ONNX parity measured, the int8 export's parity
/// record, and the production version it was built against.
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
    OnnxExportFacts Onnx,
    Int8ExportFacts Int8);

public sealed record ModelTimings(double TrainSeconds, int EpochsRun, int BestEpoch, double TrainImagesPerSecond, double EvaluateSeconds, double ExportSeconds);

public sealed record HeadlineMetrics(int TestImages, double Accuracy, double Loss, double LowestRecall, int LowestRecallLabel, double ExpectedCalibrationError);

public sealed record OnnxExportFacts(string File, long Opset, long IrVersion, OnnxParity Parity);

/// <summary>The int8 export: its file (null when refused, and then not stored), how it was calibrated, and its parity with FP32.</summary>
public sealed record Int8ExportFacts(string? File, string Calibration, Int8Parity Parity);
