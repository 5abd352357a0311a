using DigitForge.Engine.Stages;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Stories;
using DigitForge.Kit.Modelling;

namespace DigitForge.HackerNews.Stages;

/// <summary>Featurize: fits the title TF-IDF and the submission-time features on the training split only.</summary>
public sealed class FeaturizeStage(FeaturesConfig config) : IStage
{
    public string Description => "Fits TF-IDF on training titles plus features known at submission (domain, Ask/Show HN, hour, weekday, length).";

    public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<SplitStage>(SplitStage.TrainFile)];

    public StageInputs DescribeInputs() => new(
        new { features = config },
        new Dictionary<string, string>(),
        MlEnvironment.Facts());

    public void Run(StageRunContext context)
    {
        var summary = Featurizer.Fit(StoryFile.Read(context.UpstreamFile<SplitStage>(SplitStage.TrainFile)), config, context.OutputDirectory);
        context.Log.Info($"{summary.FeatureCount} feature slots from {summary.TrainingStories} training stories: {string.Join(", ", summary.Groups.Select(g => $"{g.Name} {g.Slots}"))}");
    }
}
