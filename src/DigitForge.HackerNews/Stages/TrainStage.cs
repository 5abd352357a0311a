using DigitForge.Engine.Stages;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Stories;
using DigitForge.Kit.Modelling;

namespace DigitForge.HackerNews.Stages;

/// <summary>Train: gradient-boosted trees (ML.NET FastTree) on the comment count or on log(1 + count).</summary>
public sealed class TrainStage(NewsTrainConfig config) : IStage
{
    public string Description => $"Trains {config.Trees} boosted regression trees (FastTree) on {(config.Target == NewsTarget.Log1p ? "log(1 + comments)" : "the comment count")}.";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        StageDependency.On<SplitStage>(SplitStage.TrainFile),
        StageDependency.On<FeaturizeStage>(Featurizer.ModelFile),
    ];

    /// <summary>Its timing differs run to run; the model must not.</summary>
    public IReadOnlyList<string> VolatileOutputs => [NewsTrainer.RecordFile];

    public StageInputs DescribeInputs() => new(
        new { train = config },
        new Dictionary<string, string>(),
        MlEnvironment.Facts());

    public void Run(StageRunContext context)
    {
        var record = NewsTrainer.Train(
            StoryFile.Read(context.UpstreamFile<SplitStage>(SplitStage.TrainFile)),
            context.UpstreamFile<FeaturizeStage>(Featurizer.ModelFile),
            config,
            context.OutputDirectory);
        context.Log.Info($"{config.Trees} trees on {record.TrainingStories} stories and {record.FeatureCount} features in {record.Seconds:0.0} s");
    }
}
