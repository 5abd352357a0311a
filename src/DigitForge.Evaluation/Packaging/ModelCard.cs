using System.Globalization;
using System.Text;
using DigitForge.Engine.Hashing;
using DigitForge.Evaluation.Metrics;
using DigitForge.Training;
using Newtonsoft.Json.Linq;

namespace DigitForge.Evaluation.Packaging;

/// <summary>The short human description stored with each version (<c>model-card.md</c>): what it is for, how it was made, how good it is.</summary>
public static class ModelCard
{
    public static string Render(ModelLineage lineage, ClassificationReport report, TrainedModel model)
    {
        var card = new StringBuilder();
        void Line(FormattableString text) => card.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Line($"# Model card: {lineage.Version}");
        Line($"");
        Line($"Handwritten-digit classifier (CNN, channels {string.Join("/", model.Model.Channels)}, hidden {string.Join("/", model.Model.Hidden)}, batch norm {(model.Model.BatchNorm ? "on" : "off")}), built by DigitForge.");
        Line($"Weights sha256 {lineage.WeightsSha256}. Parent production model when it was built: {lineage.ParentProduction ?? "none (first model)"}.");
        Line($"");
        Line($"## Intended use");
        Line($"");
        Line($"Classifies one digit (labels {string.Join(", ", model.Labels)}) in a {model.InputShape[1]}x{model.InputShape[2]} greyscale image prepared as MNIST is: light ink on a dark background, the digit fitted in 20x20 and centred by its centre of mass. Other images must be prepared the same way first (the scoring tool does so). Not meant for letters, several digits in one image, or decisions without a human check of low-confidence answers.");
        Line($"");
        Line($"## Data and recipe");
        Line($"");
        foreach (var (key, value) in Flatten(lineage.Config))
        {
            Line($"- `{key}` = {value}");
        }

        Line($"");
        Line($"Normalisation: mean {model.Normalization.Mean:0.######}, std {model.Normalization.Std:0.######} (from the training split).");
        Line($"Training: {lineage.Timings.EpochsRun} epochs run, best epoch {lineage.Timings.BestEpoch} kept; {lineage.Timings.TrainSeconds:0.#} s, {lineage.Timings.TrainImagesPerSecond:0} images/s.");
        Line($"");
        Line($"## Evaluation on the held-out test split ({report.Count} images, sha256 {ContentHash.Short(lineage.TestSetSha256)})");
        Line($"");
        Line($"Accuracy {report.Accuracy:P2}, loss {report.Loss:0.0000}, expected calibration error {report.ExpectedCalibrationError:0.0000}, lowest class recall {report.LowestRecall:P2} (digit {report.LowestRecallLabel}).");
        Line($"");
        Line($"| digit | precision | recall | support |");
        Line($"|---|---|---|---|");
        foreach (var row in report.PerClass)
        {
            Line($"| {row.Label} | {row.Precision:P2} | {row.Recall:P2} | {row.Support} |");
        }

        Line($"");
        if (report.Robustness is { } robustness)
        {
            Line($"## Under realistic shifts (the same test images, docs/robustness.md)");
            Line($"");
            Line($"| shift | accuracy | what |");
            Line($"|---|---|---|");
            foreach (var shift in robustness.Shifts)
            {
                Line($"| {shift.Name} | {shift.Accuracy:P2} | {shift.Description} |");
            }

            Line($"");
            Line($"Worst: {robustness.Worst.Name}, {robustness.Worst.Accuracy:P2}.");
            Line($"");
        }

        Int8Section(lineage.Int8, Line);
        Line($"## Files");
        Line($"");
        Line($"`model.weights` (TorchSharp), `{lineage.Onnx.File}` (ONNX opset {lineage.Onnx.Opset}; ONNX Runtime reproduces TorchSharp with {lineage.Onnx.Parity}), {(lineage.Int8.File is { } int8 ? $"`{int8}` (int8, see int8 parity above)" : "no int8 model (refused, see int8 parity above)")}, `metrics.json`/`metrics.txt`, `history.json`, `manifest.json` (SHA-256 of every file and the full lineage).");
        Line($"");
        Line($"## Limitations");
        Line($"");
        Line($"- Measured only on {report.Count} test images from the same source and split as the training data; real scans and photos differ, and accuracy there is not measured here{(report.Robustness is null ? string.Empty : " (the shifts above imitate some of their differences)")}.");
        Line($"- Confidence is a softmax score, not a calibrated probability outside this test distribution.");
        Line($"- Whether this version is production is recorded in the registry (`digitforge models`), not in this card.");
        Line($"");
        Line($"## Built with");
        Line($"");
        foreach (var (library, version) in lineage.Libraries)
        {
            Line($"- {library}: {version}");
        }

        foreach (var (stage, facts) in lineage.Stages)
        {
            Line($"- {stage} stage fingerprint {ContentHash.Short(facts.Fingerprint)}");
        }

        return card.ToString();
    }

    /// <summary>The int8 model's parity with FP32, set by set, as the gate judged it.</summary>
    private static void Int8Section(Int8ExportFacts int8, Action<FormattableString> line)
    {
        var parity = int8.Parity;
        line($"## int8 parity");
        line($"");
        line($"Measured on a {parity.CpuClass} CPU; every set must keep at least {Int8Parity.MinIdenticalShare:P1} of FP32's predictions and lose at most {Int8Parity.MaxAccuracyDrop * 100:0.0} accuracy point. Calibration: {int8.Calibration}. {(int8.File is null ? $"No int8 model is stored: {parity.Reason}." : $"Accepted, stored as `{int8.File}`.")}");
        line($"");
        line($"| Images | Count | FP32 accuracy | int8 accuracy | Identical predictions |");
        line($"|---|---|---|---|---|");
        line($"| {Int8Parity.TestSplit} | {parity.Images} | {parity.Fp32Accuracy:P2} | {parity.Int8Accuracy:P2} | {parity.IdenticalPredictions:P2} |");
        foreach (var shift in parity.Shifts ?? [])
        {
            line($"| {shift.Name} | {shift.Images} | {shift.Fp32Accuracy:P2} | {shift.Int8Accuracy:P2} | {shift.IdenticalPredictions:P2} |");
        }

        line($"");
    }

    /// <summary>Set leaf values of a config as dotted keys (<c>train.epochs</c>), in document order; nulls (not set) are left out.</summary>
    public static IEnumerable<(string Key, string Value)> Flatten(JToken config) =>
        config.SelectTokens("$..*")
            .Where(t => (t is JValue && t.Type != JTokenType.Null) || (t is JArray array && array.All(i => i is JValue)))
            .Where(t => t.Parent is not JArray)
            .Select(t => (t.Path, t is JArray array ? $"[{string.Join(", ", array.Select(Format))}]" : Format(t)));

    private static string Format(JToken value) => value.Type switch
    {
        JTokenType.String => value.Value<string>()!,
        _ => value.ToString(Newtonsoft.Json.Formatting.None),
    };
}
