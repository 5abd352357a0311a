using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Data.Stages;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Evaluation.Metrics;
using DigitForge.Evaluation.Packaging;
using DigitForge.Evaluation.Robustness;
using DigitForge.Evaluation.Stages;
using DigitForge.Inference;
using DigitForge.Registry.Store;
using DigitForge.Training;
using DigitForge.Training.Model;
using DigitForge.Training.Onnx;
using DigitForge.Training.Stages;
using DigitForge.Training.Training;
using Newtonsoft.Json.Linq;
using TorchSharp;

namespace DigitForge.Evaluation.Tests.Packaging;

/// <summary>
/// A model version written from real upstream stage folders: an (untrained, seeded) DigitCnn saved
/// as TorchSharp weights, its logits on 1,000 random images as Evaluate writes them, and lock records.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class ModelVersionWriterTests : IDisposable
{
    private const int TestImages = 1000;
    private readonly TempDirectory temp = new();
    private readonly Dictionary<string, string> upstreams = [];
    private readonly List<string> log = [];

    public ModelVersionWriterTests()
    {
        var model = new ModelConfig();
        var normalization = new NormalizationStats(0.13, 0.31);
        var test = RandomImages(TestImages);
        foreach (var stage in new[] { "Ingest", "Preprocess", "Train", "Evaluate" })
        {
            upstreams[stage] = Directory.CreateDirectory(temp.File(stage)).FullName;
        }

        IdxFile.Save(test, Upstream("Preprocess", DatasetFiles.Images(DatasetFiles.Test)), Upstream("Preprocess", DatasetFiles.Labels(DatasetFiles.Test)));
        torch.manual_seed(3);
        using (var cnn = new DigitCnn(model))
        {
            cnn.save(Upstream("Train", DigitTrainer.WeightsFileName));
        }

        JsonFile.Write(Upstream("Train", TrainedModel.FileName), new TrainedModel(model, normalization, [1, 28, 28], [.. Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        JsonFile.Write(Upstream("Train", TrainStage.HistoryFile), Array.Empty<object>());
        JsonFile.Write(Upstream("Train", TrainStage.SummaryFile), new { bestEpoch = 2, epochsRun = 3, meanImagesPerSecond = 1234.5 });

        using var predictor = DigitPredictor.Load(Upstream("Train", DigitTrainer.WeightsFileName), model);
        var logits = predictor.Logits(test, normalization);
        // With a robustness section, so the card shows it; scoring the shifted sets for real would
        // cost this fixture a minute, and the card only needs the figures (the clean logits stand in).
        var report = ClassificationMetrics.Compute(logits, test.Labels, 10) with { Robustness = RobustnessEvaluator.Measure(test, 42, _ => logits) };
        ReportWriter.Write(Upstream("Evaluate", EvaluateStage.MetricsFile), report);
        ReportWriter.WriteText(Upstream("Evaluate", EvaluateStage.TextFile), report);
        TestPredictions.WriteLogits(Upstream("Evaluate", TestPredictions.LogitsFile), logits);

        foreach (var stage in upstreams.Keys)
        {
            JsonFile.Write(Upstream(stage, StageStore.RecordFileName), new StageRecord
            {
                Stage = stage,
                Fingerprint = new string(stage[0] == 'T' ? 'a' : 'b', 64),
                Config = JObject.FromObject(new Dictionary<string, object> { [stage.ToLowerInvariant()] = new { knob = stage.Length } }),
                Outputs = StageStore.HashOutputs(upstreams[stage]),
                Seconds = 1.5,
            });
        }
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Writes_weights_onnx_metrics_card_and_a_lineage_whose_parity_holds()
    {
        var output = Directory.CreateDirectory(temp.File("v0003-abcdef0")).FullName;

        var lineage = new ModelVersionWriter(threads: 2).Write(Context(), output, "v0003-abcdef0", "v0002-1234567", JObject.Parse("""{"promote":{"minAccuracy":0.5}}"""));

        Directory.EnumerateFiles(output).Select(Path.GetFileName).Should().BeEquivalentTo(
            "model.weights", "model.json", "history.json", "training.json", "metrics.json", "metrics.txt", "model.onnx", "model-card.md", "reference.json");
        var reference = JsonFile.Read<Inference.Drift.PredictionProfile>(Path.Combine(output, "reference.json"));
        reference.Count.Should().Be(TestImages);
        reference.LabelShares.Sum().Should().BeApproximately(1, 1e-9);
        lineage.Onnx.Parity.Images.Should().Be(TestImages);
        lineage.Onnx.Parity.Holds.Should().BeTrue(lineage.Onnx.Parity.ToString());
        lineage.ParentProduction.Should().Be("v0002-1234567");
        lineage.Stages.Keys.Should().Equal("Ingest", "Preprocess", "Train", "Evaluate");
        lineage.WeightsSha256.Should().Be(Engine.Hashing.ContentHash.OfFile(Upstream("Train", DigitTrainer.WeightsFileName)));
        lineage.Config.ToString(Newtonsoft.Json.Formatting.None).Should().Be("""{"ingest":{"knob":6},"preprocess":{"knob":10},"train":{"knob":5},"evaluate":{"knob":8},"promote":{"minAccuracy":0.5}}""");
        lineage.Timings.EpochsRun.Should().Be(3);
        lineage.Libraries.Keys.Should().Contain(["torchsharp", "onnxruntime", "dotnet"]);

        using (var onnx = OnnxDigitModel.Load(Path.Combine(output, ModelVersion.OnnxFileName)))
        {
            onnx.Version.Should().Be("v0003-abcdef0");
        }

        File.ReadAllText(Path.Combine(output, ModelVersionWriter.CardFile))
            .Should().Contain("# Model card: v0003-abcdef0")
            .And.Contain("Parent production model when it was built: v0002-1234567")
            .And.Contain($"over {TestImages} images (tolerance 1e-4), 0 different predictions")
            .And.Contain("- `promote.minAccuracy` = 0.5")
            .And.Contain("| 9 |")
            .And.Contain("## Under realistic shifts")
            .And.Contain("| inverted-grey | ")
            .And.Contain("Worst: ")
            .And.Contain("(the shifts above imitate some of their differences)");
    }

    [Fact]
    public void An_export_that_does_not_reproduce_the_evaluated_logits_is_refused()
    {
        var logitsPath = Upstream("Evaluate", TestPredictions.LogitsFile);
        var logits = TestPredictions.ReadLogits(logitsPath, TestImages, 10);
        logits[123] += 0.01f;
        TestPredictions.WriteLogits(logitsPath, logits);
        var output = Directory.CreateDirectory(temp.File("v0001-abcdef0")).FullName;

        var act = () => new ModelVersionWriter(threads: 2).Write(Context(), output, "v0001-abcdef0", null, []);

        act.Should().Throw<OnnxExportException>()
            .WithMessage("*model.onnx: the ONNX export does not reproduce the TorchSharp model: max |logit difference| * over 1000 images*no version was stored");
    }

    private StageRunContext Context() => new(temp.File("unused"), upstreams, new ListLog(log), CancellationToken.None);

    private string Upstream(string stage, string file) => Path.Combine(upstreams[stage], file);

    private static LabelledImages RandomImages(int count)
    {
        var random = new Random(11);
        var pixels = new byte[count * 28 * 28];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
        return new LabelledImages(pixels, labels, 28, 28);
    }

    private sealed class ListLog(List<string> lines) : IStageLog
    {
        public void Info(string message) => lines.Add(message);

        public void Warning(string message) => lines.Add("warn: " + message);
    }
}
