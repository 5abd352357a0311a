using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Splitting;
using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Stages;

/// <summary>Split: training and test stories, by a seeded shuffle (as the seed does) or by time (train on the older).</summary>
public sealed class SplitStage(SplitConfig config) : IStage
{
    public const string TrainFile = "train.csv.gz";
    public const string TestFile = "test.csv.gz";
    public const string SummaryFile = "split.json";

    public string Description => config.Method == SplitMethod.Time
        ? $"Holds out the newest {config.TestFraction:P0} of the stories for testing (train on the past, test on the future)."
        : $"Holds out {config.TestFraction:P0} of the stories for testing by a seeded shuffle (seed {config.Seed}).";

    public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<IngestStage>(IngestStage.StoriesFile)];

    public StageInputs DescribeInputs() => new(
        new { split = config },
        new Dictionary<string, string>(),
        new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var split = StorySplitter.Split(StoryFile.Read(context.UpstreamFile<IngestStage>(IngestStage.StoriesFile)), config);
        StoryFile.Write(context.OutputFile(TrainFile), split.Train);
        StoryFile.Write(context.OutputFile(TestFile), split.Test);
        JsonFile.Write(context.OutputFile(SummaryFile), new
        {
            method = config.Method.ToString().ToLowerInvariant(),
            train = split.Train.Count,
            test = split.Test.Count,
            trainNewest = split.Train.Max(s => s.CreatedAt),
            testOldest = split.Test.Min(s => s.CreatedAt),
        });
        context.Log.Info($"{split.Train.Count} training and {split.Test.Count} test stories ({config.Method.ToString().ToLowerInvariant()} split)");
    }
}
