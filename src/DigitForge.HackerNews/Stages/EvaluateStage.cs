using System.Globalization;
using DigitForge.Engine.Stages;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Stories;
using DigitForge.Kit.Modelling;

namespace DigitForge.HackerNews.Stages;

/// <summary>Evaluate: R², MAE, RMSE and Spearman on the test split, raw and log scale, beside the mean and median baselines.</summary>
public sealed class EvaluateStage : IStage
{
    public string Description => "Scores the test stories: R², MAE, RMSE, Spearman (raw and log scale) against the mean and median baselines, errors by comment count.";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        StageDependency.On<SplitStage>(SplitStage.TrainFile, SplitStage.TestFile),
        StageDependency.On<FeaturizeStage>(Featurizer.ModelFile),
        StageDependency.On<TrainStage>(NewsTrainer.ModelFile),
    ];

    public StageInputs DescribeInputs() => new(
        new { },
        new Dictionary<string, string>(),
        MlEnvironment.Facts());

    public void Run(StageRunContext context)
    {
        var metrics = NewsEvaluator.Evaluate(
            StoryFile.Read(context.UpstreamFile<SplitStage>(SplitStage.TrainFile)),
            StoryFile.Read(context.UpstreamFile<SplitStage>(SplitStage.TestFile)),
            context.UpstreamFile<FeaturizeStage>(Featurizer.ModelFile),
            Path.GetDirectoryName(context.UpstreamFile<TrainStage>(NewsTrainer.ModelFile))!,
            context.OutputDirectory);
        context.Log.Info(string.Create(
            CultureInfo.InvariantCulture,
            $"MAE {metrics.Model.Count.Mae:0.00} (median baseline {metrics.MedianBaseline.Count.Mae:0.00}), Spearman {metrics.Model.Count.Spearman:0.000}, R² {metrics.Model.Count.R2:0.000} on {metrics.TestStories} test stories"));
    }
}
