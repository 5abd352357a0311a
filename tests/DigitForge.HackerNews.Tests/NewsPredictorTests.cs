using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;

namespace DigitForge.HackerNews.Tests;

[Trait("Category", "Unit")]
public sealed class NewsPredictorTests(TrainedModel trained) : IClassFixture<TrainedModel>
{
    [Fact]
    public void Stories_predicted_one_at_a_time_from_many_threads_get_what_the_batch_gives_them()
    {
        using var predictor = NewsPredictor.Load(trained.FeaturizerPath, trained.TrainDirectory);
        SubmittedStory[] stories = [.. trained.Test.Select(SubmittedStory.From)];
        var batch = predictor.Predict(stories);

        var single = new double[stories.Length];
        Parallel.For(0, stories.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => single[i] = predictor.Predict(stories[i]));

        single.Should().Equal(batch, (a, b) => Math.Abs(a - b) < 1e-9);
        batch.Distinct().Should().HaveCountGreaterThan(10, "the stories differ, so their predictions do");
    }
}
