using System.Globalization;
using DigitForge.Engine.Storage;
using DigitForge.Evaluation.Metrics;
using DigitForge.Evaluation.Packaging;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace DigitForge.Mnist.Packaging;

/// <summary>What <c>models show</c> says of an MNIST version beyond the lineage every pipeline records: its exports, weights, timings and libraries.</summary>
public static class VersionText
{
    public static IEnumerable<string> Facts(string folder, JObject details)
    {
        var lineage = details.ToObject<ModelLineage>(JsonSerializer.Create(JsonFile.Settings));
        if (lineage?.Onnx is null || lineage.Metrics is null)
        {
            yield break;
        }

        var m = lineage.Metrics;
        yield return Line("test set", $"{m.TestImages} images; lowest recall {m.LowestRecall:P2} ({MnistPipeline.Digits[m.LowestRecallLabel]}), ECE {m.ExpectedCalibrationError:0.0000}");
        var metrics = Path.Combine(folder, ReportWriter.FileName);
        if (File.Exists(metrics) && ReportWriter.Read(metrics).Robustness is { } robustness)
        {
            yield return Line("robustness", $"worst shift {robustness.Worst.Name} at {robustness.Worst.Accuracy:P2} (evaluate.robustness; every shift in metrics.json)");
        }

        yield return Line("onnx", $"{lineage.Onnx.File}, opset {lineage.Onnx.Opset}; parity: {lineage.Onnx.Parity}");
        if (lineage.Int8 is { } int8)
        {
            yield return Line("int8", $"{int8.File ?? "not stored"}; parity: {int8.Parity}");
        }

        foreach (var feedback in Monitoring.Feedback.FeedbackFacts.Lines(folder))
        {
            yield return feedback;
        }

        yield return Line("weights", $"sha256 {lineage.WeightsSha256}");
        var t = lineage.Timings;
        yield return Line("timings", $"train {t.TrainSeconds:0.0} s ({t.EpochsRun} epoch(s), best {t.BestEpoch}, {t.TrainImagesPerSecond:0} images/s), evaluate {t.EvaluateSeconds:0.0} s, export and parity {t.ExportSeconds:0.00} s");
        yield return Line("libraries", string.Join(", ", lineage.Libraries.Select(l => $"{l.Key} {l.Value}")));
    }

    private static string Line(string label, FormattableString text) => $"{label,-10} {text.ToString(CultureInfo.InvariantCulture)}";

    private static string Line(string label, string text) => $"{label,-10} {text}";
}
