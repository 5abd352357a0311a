using DigitForge.Engine.Config;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.HackerNews.Api;
using DigitForge.HackerNews.Feedback;
using DigitForge.HackerNews.Scoring;
using DigitForge.HackerNews.Stages;
using DigitForge.HackerNews.Stories;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;

namespace DigitForge.HackerNews.Tests.Api;

/// <summary>
/// Settled stories from a real prediction log, fetched again from the loopback fake of the API, exported as a snapshot and
/// added to the ci recipe's training split: Split re-runs and Ingest does not, the same snapshot again is a skip.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StoryFeedbackTests : IDisposable
{
    private static readonly DateTimeOffset Monday = new(2026, 6, 8, 9, 0, 0, TimeSpan.Zero);

    private static readonly Story Hundred = new(41000000, "The Hundred-Year Language, revisited", "https://paulgraham.example.com/hundred.html", 356, 120, "pg", DateTimeOffset.FromUnixTimeSeconds(1721818200));
    private static readonly Story LoadBalancer = new(41000013, "How we built a 100 Gbps load balancer in Rust", "https://blog.example.com/100gbps-load-balancer", 187, 42, "jgrahamc", DateTimeOffset.FromUnixTimeSeconds(1721818800));

    private readonly TempDirectory temp = new();
    private readonly HackerNewsPipeline pipeline = new();
    private readonly PipelinePaths paths;

    public StoryFeedbackTests() => paths = PipelinePaths.Resolve(RepoFiles.Root, temp.File("artifacts"), "hn");

    [Fact]
    public async Task Settled_stories_are_exported_with_their_settled_counts_and_the_rest_is_counted()
    {
        using var api = new FakeHackerNewsApi();

        var manifest = await Export(api);
        var again = await Export(api);

        again.Should().BeEquivalentTo(manifest, "the same stories are the same snapshot");
        manifest.Count.Should().Be(2);
        manifest.PerClass.Should().BeNull();
        (manifest.From, manifest.Until).Should().Be((Monday, Monday.AddMinutes(1)));
        manifest.LeftOut.Should().Equal(new Dictionary<string, int>
        {
            [LabelledPredictions.NoGroundTruth] = 1,
            ["not a Hacker News item id"] = 1,
            ["story changed since its prediction"] = 1,
            ["story no longer on the API"] = 1,
        });
        StoryFile.Read(FeedbackSnapshots.Read(paths.Feedback, manifest.Id).File(StoryFeedback.StoriesFile)).Select(s => (s.Id, s.Comments, s.Title))
            .Should().Equal((Hundred.Id, 97, Hundred.Title), (LoadBalancer.Id, 42, LoadBalancer.Title));
    }

    [Fact]
    public async Task A_snapshot_in_the_recipe_reruns_Split_only_adds_to_the_training_split_and_is_a_skip_the_second_time()
    {
        using var api = new FakeHackerNewsApi();
        var manifest = await Export(api);
        var before = Build([]);
        var train = StoryFile.Read(Path.Combine(before.Store.DirectoryOf(StageNames.Of<SplitStage>()), SplitStage.TrainFile)).Count;
        var test = ContentHash.OfFile(Path.Combine(before.Store.DirectoryOf(StageNames.Of<SplitStage>()), SplitStage.TestFile));

        var after = Build([$"data.feedback=[\"{manifest.Id}\"]"], graph =>
        {
            graph.Status(StageNames.Of<IngestStage>()).UpToDate.Should().BeTrue("feedback joins at Split");
            graph.Status(StageNames.Of<SplitStage>()).Reasons.Should().Equal(
                $"config changed: data.feedback (none -> [\"{manifest.Id}\"])",
                $"input file added: feedback/{manifest.Id}/{StoryFeedback.StoriesFile}");
        });

        var split = after.Store.DirectoryOf(StageNames.Of<SplitStage>());
        StoryFile.Read(Path.Combine(split, SplitStage.TrainFile)).Should().HaveCount(train + 2).And.Contain(s => s.Id == Hundred.Id && s.Comments == 97);
        ContentHash.OfFile(Path.Combine(split, SplitStage.TestFile)).Should().Be(test, "the test split stays comparable across versions");
        FeedbackFacts.Lines(split).Should().ContainSingle().Which.Should().StartWith($"feedback   {manifest.Id}: 2 examples predicted");
        Build([$"data.feedback=[\"{manifest.Id}\"]"], graph => graph.Status(StageNames.Of<SplitStage>()).UpToDate.Should().BeTrue("the same snapshot is the same input"));
    }

    public void Dispose() => temp.Dispose();

    /// <summary>Five stories predicted on Monday, four settled: one retitled since, one dead since; and an id that is no item's.</summary>
    private async Task<FeedbackManifest> Export(FakeHackerNewsApi api)
    {
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        store.Append(
        [
            Predicted(Hundred, Monday, withAuthor: false),
            Predicted(LoadBalancer, Monday.AddMinutes(1), withAuthor: true),
            Predicted(Hundred with { Id = 41000007, Title = "Retitled since" }, Monday.AddMinutes(2), withAuthor: true),
            Predicted(Hundred with { Id = 41000009 }, Monday.AddMinutes(3), withAuthor: true),
            Predicted(Hundred with { Id = 41000002 }, Monday.AddMinutes(4), withAuthor: true),
            new PredictionRecord("not-an-id", Monday, "hn", "v0001-abcdef0", null, PredictionRecord.HashOf([1]), null, null, 10, "score"),
        ]);
        store.RecordOutcomes([.. new[] { ("41000000", 97.0), ("41000013", 42.0), ("41000007", 3.0), ("41000009", 1.0), ("not-an-id", 1.0) }
            .Select(o => new Outcome("hn", o.Item1, null, o.Item2, Monday.AddDays(2), "outcomes: Hacker News API"))]);
        using var client = new HackerNewsClient(new HackerNewsClientOptions { BaseUrl = api.BaseUrl, MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(10) });
        return await StoryFeedback.ExportAsync(store, client, "hn", paths.Feedback, new FeedbackWindow(null, null));
    }

    // A story scored from a file is logged without its submitter, one fetched from the API with it; both must match.
    private static PredictionRecord Predicted(Story story, DateTimeOffset at, bool withAuthor)
    {
        var request = Scoring.ScoreRequest.From(0, story);
        return new(story.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), at, "hn", "v0001-abcdef0", null, StoryLog.InputHash(withAuthor ? request : request with { Author = null }), null, null, 10, "score");
    }

    private StageGraph Build(string[] overrides, Action<StageGraph>? check = null)
    {
        var graph = pipeline.Create(Path.Combine(paths.Root, "configs", "hn", "ci.json"), overrides.Select(ConfigOverride.Parse), paths, new BuildOptions());
        check?.Invoke(graph);
        foreach (var stage in new[] { StageNames.Of<IngestStage>(), StageNames.Of<SplitStage>() })
        {
            graph.Run(stage, force: false, new NullLog());
        }

        return graph;
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
