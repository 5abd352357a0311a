using System.Diagnostics;
using System.Runtime.InteropServices;
using DigitForge.Data;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Evaluation;
using DigitForge.Evaluation.Metrics;
using DigitForge.Evaluation.Packaging;
using DigitForge.Evaluation.Robustness;
using DigitForge.Inference;
using DigitForge.Inference.Drift;
using DigitForge.Inference.Golden;
using DigitForge.Mnist.Stages;
using DigitForge.Registry.Store;
using DigitForge.Training;
using DigitForge.Training.Model;
using DigitForge.Training.Onnx;
using DigitForge.Training.Loop;
using Microsoft.ML.OnnxRuntime;
using Newtonsoft.Json.Linq;

namespace DigitForge.Mnist.Packaging;

/// <summary>
/// Fills a new model version's folder: the TorchSharp weights and training record, the evaluation
/// metrics, the ONNX export (checked against Evaluate's logits before it is accepted), the int8 export
/// (kept only if it passes <see cref="Int8Parity"/>), the test-set prediction profile drift is measured
/// against, the golden set every load checks the kept models against, and a model card.
/// </summary>
public sealed class ModelVersionWriter(TorchNumerics numerics)
{
    public const string CardFile = "model-card.md";

    /// <summary>Train's outputs a version keeps; the first two are also Promote's declared inputs.</summary>
    public static readonly string[] TrainFiles = [DigitTrainer.WeightsFileName, TrainedModel.FileName, TrainStage.HistoryFile, TrainStage.SummaryFile];

    public static readonly string[] EvaluateFiles = [EvaluateStage.MetricsFile, EvaluateStage.TextFile];

    /// <summary>Writes version <paramref name="version"/> into <paramref name="directory"/> and returns its lineage for the manifest.</summary>
    /// <param name="config">The resolved config of the stage calling this, merged into the lineage's config.</param>
    public ModelLineage Write(StageRunContext context, string directory, string version, string? parentProduction, JObject config)
    {
        // The feedback list goes with the version, so its lineage names the snapshots it was trained on even once they are gone.
        foreach (var path in TrainFiles.Select(context.UpstreamFile<TrainStage>).Concat(EvaluateFiles.Select(context.UpstreamFile<EvaluateStage>))
            .Append(context.UpstreamFile<PreprocessStage>(Monitoring.Feedback.FeedbackFacts.FileName)))
        {
            File.Copy(path, Path.Combine(directory, Path.GetFileName(path)));
        }

        var model = JsonFile.Read<TrainedModel>(context.UpstreamFile<TrainStage>(TrainedModel.FileName));
        var clock = Stopwatch.StartNew();
        var onnxPath = Path.Combine(directory, ModelVersion.OnnxFileName);
        var int8Path = Path.Combine(directory, ModelVersion.Int8OnnxFileName);
        var calibration = Int8Calibration.FromTrainingSplit(DatasetFiles.LoadUpstream<PreprocessStage>(context, DatasetFiles.Train));
        using (var predictor = DigitPredictor.Load(context.UpstreamFile<TrainStage>(DigitTrainer.WeightsFileName), model.Model, numerics))
        {
            predictor.ExportOnnx(model.Normalization, version, onnxPath);
            predictor.ExportInt8Onnx(model.Normalization, version, calibration.Images, int8Path);
        }

        // Both exports are checked on the same test split, read once.
        var test = DatasetFiles.LoadUpstream<PreprocessStage>(context, DatasetFiles.Test);
        var report = ReportWriter.Read(context.UpstreamFile<EvaluateStage>(EvaluateStage.MetricsFile));
        var (parity, logits) = MeasureParity(context, test, onnxPath, version, model.Labels.Length);
        var shiftSeed = report.Robustness?.Seed ?? new RobustnessConfig().Seed;
        var int8 = new Int8ExportFacts(ModelVersion.Int8OnnxFileName, calibration.Description, MeasureInt8Parity(test, shiftSeed, onnxPath, int8Path, logits, model.Labels.Length));
        if (int8.Parity.Accepted)
        {
            context.Log.Info($"exported {ModelVersion.Int8OnnxFileName} ({int8.Calibration}); {int8.Parity}");
        }
        else
        {
            // A refused model is not stored, so nothing can load it; the record says why.
            File.Delete(int8Path);
            int8 = int8 with { File = null };
            context.Log.Warning($"{ModelVersion.Int8OnnxFileName} not stored, scoring will use FP32: {int8.Parity}");
        }

        WriteGoldenSet(directory, test, logits, model.Labels.Length, int8.File is null ? [onnxPath] : [onnxPath, int8Path]);

        // What the model's answers look like on the test split: the reference scoring compares folders with for drift.
        var profile = new PredictionProfileBuilder(model.Labels.Length);
        profile.AddLogits(logits);
        JsonFile.Write(Path.Combine(directory, PredictionProfile.FileName), profile.Build());
        var exportSeconds = clock.Elapsed.TotalSeconds;
        context.Log.Info($"exported {ModelVersion.OnnxFileName} in {exportSeconds:0.00} s; parity with TorchSharp: {parity}");

        // The lineage is every stage the calling stage reads from, as it declared them.
        var shared = VersionLineage.Of(context, parentProduction, config);
        var records = context.Upstreams.ToDictionary(s => s, context.UpstreamRecord);
        var training = JObject.Parse(File.ReadAllText(context.UpstreamFile<TrainStage>(TrainStage.SummaryFile)));
        var lineage = new ModelLineage(
            version,
            records[StageNames.Of<TrainStage>()].Outputs[DigitTrainer.WeightsFileName],
            TestSetHash(context),
            shared.ParentProduction,
            shared.Stages!,
            shared.Config!,
            Libraries(),
            new ModelTimings(
                records[StageNames.Of<TrainStage>()].Seconds,
                training.Value<int>("epochsRun"),
                training.Value<int>("bestEpoch"),
                Math.Round(training.Value<double>("meanImagesPerSecond"), 1),
                records[StageNames.Of<EvaluateStage>()].Seconds,
                Math.Round(exportSeconds, 3)),
            new HeadlineMetrics(report.Count, report.Accuracy, report.Loss, report.LowestRecall, report.LowestRecallLabel, report.ExpectedCalibrationError),
            new OnnxExportFacts(ModelVersion.OnnxFileName, OnnxExporter.OpsetVersion, OnnxExporter.IrVersion, parity),
            int8);
        AtomicFile.WriteAllText(Path.Combine(directory, CardFile), ModelCard.Render(lineage, report, model));
        return lineage;
    }

    /// <summary>The SHA-256 of the test split's two files together: metrics are comparable only on equal test sets.</summary>
    public static string TestSetHash(StageRunContext context) =>
        Engine.Hashing.ContentHash.OfText(string.Concat(DatasetFiles.Pair(DatasetFiles.Test).Select(f => Engine.Hashing.ContentHash.OfFile(context.UpstreamFile<PreprocessStage>(f)))));

    // The export is accepted only if ONNX Runtime reproduces Evaluate's TorchSharp logits on the whole test split.
    private (OnnxParity Parity, float[] ReferenceLogits) MeasureParity(StageRunContext context, LabelledImages test, string onnxPath, string version, int classes)
    {
        var reference = TestPredictions.ReadLogits(context.UpstreamFile<EvaluateStage>(TestPredictions.LogitsFile), test.Count, classes);
        using var onnx = OnnxDigitModel.Load(onnxPath, numerics.Threads);
        if (onnx.Version != version)
        {
            throw new OnnxExportException($"{onnxPath}: metadata names version '{onnx.Version}', expected '{version}'");
        }

        var parity = OnnxParity.Measure(reference, onnx.Logits(test), classes);
        return parity.Holds
            ? (parity, reference)
            : throw new OnnxExportException($"{onnxPath}: the ONNX export does not reproduce the TorchSharp model: {parity}; no version was stored");
    }

    // The int8 model is compared with the FP32 model's predictions on the test split (Evaluate's logits, which the
    // FP32 export reproduces) and on the split under each robustness shift, seeded as Evaluate seeds them so the
    // shifted images are the ones metrics.json scored (there with TorchSharp, here with the FP32 export).
    private Int8Parity MeasureInt8Parity(LabelledImages test, int shiftSeed, string onnxPath, string int8Path, float[] fp32Logits, int classes)
    {
        using var fp32 = OnnxDigitModel.Load(onnxPath, numerics.Threads);
        using var int8 = OnnxDigitModel.Load(int8Path, numerics.Threads);
        var clean = Int8SetParity.Measure(Int8Parity.TestSplit, fp32Logits, int8.Logits(test), test.Labels, classes);
        var shifts = ShiftCatalog.All.Select((shift, index) =>
        {
            var shifted = shift.ApplyTo(test, ShiftCatalog.Stream(shiftSeed, index));
            return Int8SetParity.Measure(shift.Name, fp32.Logits(shifted), int8.Logits(shifted), shifted.Labels, classes);
        }).ToList();
        return Int8Parity.Decide(CpuClass.Current, clean, shifts);
    }

    // Images chosen on the reference logits; the answers are ONNX Runtime's here, for each model the version keeps.
    private void WriteGoldenSet(string directory, LabelledImages test, float[] referenceLogits, int classes, string[] onnxPaths)
    {
        var models = new List<OnnxDigitModel>();
        try
        {
            models.AddRange(onnxPaths.Select(path => OnnxDigitModel.Load(path, numerics.Threads)));
            GoldenSet.Create(test, GoldenSet.Choose(referenceLogits, classes), models).Write(Path.Combine(directory, ModelVersion.GoldenSetFileName));
        }
        finally
        {
            models.ForEach(m => m.Dispose());
        }
    }

    private static Dictionary<string, string> Libraries() => new()
    {
        ["torchsharp"] = TorchInfo.TorchSharpVersion,
        ["libtorch"] = TorchInfo.LibTorchVersion,
        ["onnxruntime"] = OrtEnv.Instance().GetVersionString(),
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["os"] = RuntimeInformation.OSDescription,
        ["architecture"] = RuntimeInformation.ProcessArchitecture.ToString(),
    };
}
