using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Engine.Config;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Mnist.Reporting;
using DigitForge.Mnist.Stages;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;

namespace DigitForge.Mnist.Tests;

/// <summary>
/// Labelled feedback from a real prediction log and real PNG files, exported as a snapshot and added to the ci recipe's
/// training split: Preprocess re-runs and Ingest does not, the same snapshot again is a skip, and the test split stays as it was.
/// </summary>
[Trait("Category", "Unit")]
public sealed class FeedbackTrainingTests : IDisposable
{
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory temp = new();
    private readonly PipelinePaths paths;
    private readonly MnistPipeline pipeline = new();

    public FeedbackTrainingTests() => paths = PipelinePaths.Resolve(RepositoryRoot(), temp.File("artifacts"), "mnist");

    [Fact]
    public void A_snapshot_in_the_recipe_reruns_Preprocess_only_adds_to_the_training_split_and_is_a_skip_the_second_time()
    {
        var built = Build([]);
        var before = Split(built);
        var manifest = ExportDay(before.Test);

        var withFeedback = Build([$"data.feedback=[\"{manifest.Id}\"]"], check: graph =>
        {
            graph.Status(StageNames.Of<IngestStage>()).UpToDate.Should().BeTrue("feedback joins at Preprocess");
            graph.Status(StageNames.Of<PreprocessStage>()).Reasons.Should().Equal(
                $"config changed: data.feedback (none -> [\"{manifest.Id}\"])",
                $"input file added: feedback/{manifest.Id}/feedback-images.idx",
                $"input file added: feedback/{manifest.Id}/feedback-labels.idx");
        });

        var after = Split(withFeedback);
        after.Train.Count.Should().Be(before.Train.Count + manifest.Count);
        after.Train.Subset([.. Enumerable.Range(before.Train.Count, manifest.Count)]).Labels.Should().OnlyContain(label => label < 10);
        after.TestHash.Should().Be(before.TestHash, "the test split stays comparable across versions");
        after.Validation.Count.Should().Be(before.Validation.Count);
        var preprocess = withFeedback.Store.DirectoryOf(StageNames.Of<PreprocessStage>());
        FeedbackFacts.Lines(preprocess).Should().Equal(
            $"feedback   {manifest.Id}: 30 examples predicted 2026-12-07 09:00 .. 2026-12-07 09:29 UTC (sha256 {manifest.Sha256[..7]})");

        Build([$"data.feedback=[\"{manifest.Id}\"]"], check: graph => graph.Status(StageNames.Of<PreprocessStage>()).UpToDate.Should().BeTrue("the same snapshot is the same input"));
    }

    [Fact]
    public void A_feedback_repeat_adds_each_feedback_image_that_many_times_to_the_training_split_alone()
    {
        var before = Split(Build([]));
        var manifest = ExportDay(before.Test);
        var snapshot = FeedbackSnapshots.Read(paths.Feedback, manifest.Id);
        var feedback = IdxFile.Load(snapshot.File(DatasetFiles.Images(DatasetFiles.Feedback)), snapshot.File(DatasetFiles.Labels(DatasetFiles.Feedback)));

        var repeated = Split(Build([$"data.feedback=[\"{manifest.Id}\"]", "data.feedbackRepeat=3"], check: graph =>
            graph.Status(StageNames.Of<PreprocessStage>()).Reasons.Should().Contain($"config changed: data.feedback (none -> [\"{manifest.Id}\"]), data.feedbackRepeat (none -> 3)")));

        var train = repeated.Train;
        train.Count.Should().Be(before.Train.Count + 3 * manifest.Count);
        train.Subset([.. Enumerable.Range(0, before.Train.Count)]).Pixels.Should().Equal(before.Train.Pixels, "the source's images come first, as without feedback");
        for (var copy = 0; copy < 3; copy++)
        {
            var block = train.Subset([.. Enumerable.Range(before.Train.Count + copy * manifest.Count, manifest.Count)]);
            block.Pixels.Should().Equal(feedback.Pixels, $"copy {copy + 1} is the snapshot's images");
            block.Labels.Should().Equal(feedback.Labels, $"copy {copy + 1} has the snapshot's labels");
        }

        (repeated.ValidationHash, repeated.TestHash).Should().Be((before.ValidationHash, before.TestHash), "feedback weighs in training only");
    }

    [Fact]
    public void Overlapping_snapshots_bring_each_example_once()
    {
        var before = Split(Build([]));
        var whole = ExportDay(before.Test);
        var early = ExportDay(before.Test, new FeedbackWindow(null, Monday.AddMinutes(20)));
        var late = ExportDay(before.Test, new FeedbackWindow(Monday.AddMinutes(10), null));
        (early.Count + late.Count).Should().BeGreaterThan(whole.Count, "the two windows overlap");

        var both = Split(Build([$"data.feedback=[\"{early.Id}\", \"{late.Id}\"]"]));

        both.Train.Count.Should().Be(before.Train.Count + whole.Count, "an example in both snapshots joins once");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-2")]
    public void A_feedback_repeat_below_one_is_refused_naming_the_key(string value)
    {
        var create = () => Build([$"data.feedbackRepeat={value}"]);

        create.Should().Throw<ConfigException>().WithMessage($"*'data.feedbackRepeat': {value} is out of range, expected 1 to 100*");
    }

    [Fact]
    public void The_export_takes_only_files_that_still_have_their_predicted_content_and_valid_labels_and_is_idempotent()
    {
        var test = Split(Build([])).Test;

        var first = ExportDay(test);
        var again = ExportDay(test);

        again.Should().BeEquivalentTo(first);
        first.Count.Should().Be(30);
        first.PerClass!.Values.Sum().Should().Be(30);
        first.LeftOut.Should().Equal(new Dictionary<string, int>
        {
            ["input file changed since its prediction, and its content not kept"] = 1,
            ["input file not found, and its content not kept"] = 1,
            ["label outside the classes"] = 1,
            [LabelledPredictions.NoGroundTruth] = 1,
        });
        var snapshot = FeedbackSnapshots.Read(paths.Feedback, first.Id);
        var images = IdxFile.Load(snapshot.File(DatasetFiles.Images(DatasetFiles.Feedback)), snapshot.File(DatasetFiles.Labels(DatasetFiles.Feedback)));
        (images.Count, images.Rows, images.Columns).Should().Be((30, 28, 28));
    }

    [Fact]
    public void Labelled_files_are_kept_by_the_log_so_the_export_needs_none_of_them()
    {
        var digits = Split(Build([])).Test;
        using (var store = SqliteMonitorStore.Open(temp.File("monitor.db")))
        {
            var entries = new List<LabelEntry>();
            var records = new List<PredictionRecord>();
            for (var i = 0; i < 12; i++)
            {
                var (file, record) = Scanned(digits, i, "scans");
                records.Add(record);
                entries.Add(new LabelEntry(file, digits.Labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture), $"labels.csv:{i + 1}"));
            }

            store.Append(records);
            LabelFeedback.Record(store, "mnist", pipeline.Classes, entries, "feedback labels.csv", Monday.AddDays(1)).Recorded.Should().Be(12);
        }

        Directory.Delete(temp.File("scans"), recursive: true);
        using var again = SqliteMonitorStore.Open(temp.File("monitor.db"));
        var manifest = pipeline.ExportFeedback(again, new MnistConfig(), paths, new FeedbackWindow(null, null));

        manifest.Count.Should().Be(12, "every labelled image was kept when it was labelled");
        manifest.LeftOut.Should().BeEmpty();
        var snapshot = FeedbackSnapshots.Read(paths.Feedback, manifest.Id);
        IdxFile.Load(snapshot.File(DatasetFiles.Images(DatasetFiles.Feedback)), snapshot.File(DatasetFiles.Labels(DatasetFiles.Feedback))).Labels
            .Order().Should().Equal(digits.Labels.Take(12).Order());
    }

    public void Dispose() => temp.Dispose();

    /// <summary>Test digit <paramref name="i"/> written as a PNG into <paramref name="folder"/>, and the prediction logged for it.</summary>
    private (string File, PredictionRecord Record) Scanned(LabelledImages digits, int i, string folder)
    {
        var file = temp.File($"{folder}/{i:D2}.png");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var png = DigitImage.Png(digits.Image(i), digits.Rows, digits.Columns, scale: 1);
        File.WriteAllBytes(file, png);
        return (file, new PredictionRecord(file, Monday.AddMinutes(i), "mnist", "v0001-abcdef0", "fp32", PredictionRecord.HashOf(png), "0", 0.9, null, "score"));
    }

    /// <summary>A day of 34 scored PNGs of test digits, labelled afterwards, four spoilt one way each, exported. Again: the same day logged again.</summary>
    private FeedbackManifest ExportDay(LabelledImages digits, FeedbackWindow? window = null)
    {
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        var records = new List<PredictionRecord>();
        var outcomes = new List<Outcome>();
        for (var i = 0; i < 34; i++)
        {
            var (file, record) = Scanned(digits, i, "day");
            records.Add(record);
            var label = i == 30 ? "x" : digits.Labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (i != 31)
            {
                outcomes.Add(new Outcome("mnist", file, label, null, Monday.AddDays(1), "feedback day"));
            }
        }

        store.Append(records);
        store.RecordOutcomes(outcomes);
        File.Delete(temp.File("day/32.png"));
        File.WriteAllBytes(temp.File("day/33.png"), [1, 2, 3]);
        return pipeline.ExportFeedback(store, new MnistConfig(), paths, window ?? new FeedbackWindow(null, null));
    }

    private StageGraph Build(string[] overrides, Action<StageGraph>? check = null)
    {
        var graph = pipeline.Create(Path.Combine(paths.Root, "configs", "mnist", "ci.json"), overrides.Select(ConfigOverride.Parse), paths, new BuildOptions());
        check?.Invoke(graph);
        foreach (var stage in new[] { StageNames.Of<IngestStage>(), StageNames.Of<PreprocessStage>() })
        {
            graph.Run(stage, force: false, new NullLog());
        }

        return graph;
    }

    private static (LabelledImages Train, LabelledImages Validation, LabelledImages Test, string ValidationHash, string TestHash) Split(StageGraph graph)
    {
        var folder = graph.Store.DirectoryOf(StageNames.Of<PreprocessStage>());
        LabelledImages Load(string set) => IdxFile.Load(Path.Combine(folder, DatasetFiles.Images(set)), Path.Combine(folder, DatasetFiles.Labels(set)));
        string Hash(string set) => ContentHash.OfText(ContentHash.OfFile(Path.Combine(folder, DatasetFiles.Images(set))) + ContentHash.OfFile(Path.Combine(folder, DatasetFiles.Labels(set))));
        return (Load(DatasetFiles.Train), Load(DatasetFiles.Validation), Load(DatasetFiles.Test), Hash(DatasetFiles.Validation), Hash(DatasetFiles.Test));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "DigitForge.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("DigitForge.sln not found above the test's folder");
        }

        return directory.FullName;
    }

    private sealed class NullLog : IStageLog
    {
        public void Info(string message)
        {
        }

        public void Warning(string message)
        {
        }
    }
}
