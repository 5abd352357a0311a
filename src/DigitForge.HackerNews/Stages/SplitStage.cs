using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Splitting;
using DigitForge.HackerNews.Feedback;
using DigitForge.HackerNews.Stories;
using DigitForge.Monitoring.Feedback;

namespace DigitForge.HackerNews.Stages;

/// <summary>
/// Split: training and test stories, by a seeded shuffle (as the seed does) or by time (train on the older), and the feedback
/// snapshots' stories added to the training split (those the source has already are left to it).
/// </summary>
public sealed class SplitStage(SplitConfig config, TrainingFeedback feedback) : IStage
{
    public const string TrainFile = "train.csv.gz";
    public const string TestFile = "test.csv.gz";
    public const string SummaryFile = "split.json";

    public string Description => config.Method == SplitMethod.Time
        ? $"Holds out the newest {config.TestFraction:P0} of the stories for testing (train on the past, test on the future)."
        : $"Holds out {config.TestFraction:P0} of the stories for testing by a seeded shuffle (seed {config.Seed}).";

    public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<IngestStage>(IngestStage.StoriesFile)];

    public StageInputs DescribeInputs()
    {
        var (data, files) = feedback.Inputs();
        return new(data is null ? new { split = config } : new { split = config, data }, files, new Dictionary<string, string>());
    }

    public void Run(StageRunContext context)
    {
        var stories = StoryFile.Read(context.UpstreamFile<IngestStage>(IngestStage.StoriesFile));
        var split = StorySplitter.Split(stories, config);

        // Feedback joins the training split only: the test split stays comparable from version to version.
        var known = stories.Select(s => s.Id).ToHashSet();
        var added = new List<Story>();
        foreach (var snapshot in feedback.Snapshots)
        {
            snapshot.Verify();
            added.AddRange(StoryFile.Read(snapshot.File(StoryFeedback.StoriesFile)).Where(s => known.Add(s.Id)));
        }

        split = split with { Train = [.. split.Train, .. added] };
        StoryFile.Write(context.OutputFile(TrainFile), split.Train);
        JsonFile.Write(context.OutputFile(FeedbackFacts.FileName), feedback.Facts);
        StoryFile.Write(context.OutputFile(TestFile), split.Test);
        JsonFile.Write(context.OutputFile(SummaryFile), new
        {
            method = config.Method.ToString().ToLowerInvariant(),
            train = split.Train.Count,
            test = split.Test.Count,
            trainNewest = split.Train.Max(s => s.CreatedAt),
            testOldest = split.Test.Min(s => s.CreatedAt),
        });
        context.Log.Info($"{split.Train.Count} training{feedback.Note(added.Count)} and {split.Test.Count} test stories ({config.Method.ToString().ToLowerInvariant()} split)");
    }
}
