using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Tests;

[Trait("Category", "Unit")]
public sealed class NewsEvaluatorTests(TrainedModel trained) : IClassFixture<TrainedModel>
{
    private static Story Story(long id, int comments) => new(id, $"Story {id}", null, 1, comments, null, DateTimeOffset.UnixEpoch);

    [Fact]
    public void Baselines_are_the_training_mean_and_median_and_buckets_split_by_actual_comments()
    {
        Story[] train = [Story(1, 1), Story(2, 2), Story(3, 3), Story(4, 10)];
        Story[] test = [Story(5, 1), Story(6, 4), Story(7, 150)];

        var metrics = NewsEvaluator.Measure(train, test, [1, 5, 100], NewsTarget.Log1p);

        metrics.MeanBaseline.Prediction.Should().Be(4);
        metrics.MedianBaseline.Prediction.Should().Be(2.5);
        metrics.Model.Count.Mae.Should().BeApproximately(17, 1e-12);
        metrics.MedianBaseline.Count.Mae.Should().BeApproximately((1.5 + 1.5 + 147.5) / 3, 1e-12);
        metrics.MedianBaseline.Count.Spearman.Should().BeNull();
        metrics.Model.Log1p.Mae.Should().BeApproximately((0 + Math.Abs(Math.Log(6) - Math.Log(5)) + Math.Abs(Math.Log(101) - Math.Log(151))) / 3, 1e-12);
        metrics.Buckets.Select(b => (b.Bucket, b.Stories)).Should().Equal(("0", 0), ("1", 1), ("2-5", 1), ("6-20", 0), ("21-100", 0), (">100", 1));
        metrics.Buckets[0].Mae.Should().BeNull();
        metrics.Buckets[2].MeanSignedError.Should().Be(1);
        metrics.Buckets[5].MeanSignedError.Should().Be(-50);
    }

    [Fact]
    public void The_test_set_fingerprint_ignores_order_but_not_counts()
    {
        Story[] test = [Story(1, 3), Story(2, 8)];
        var fingerprint = NewsEvaluator.TestSetFingerprint(test);

        NewsEvaluator.TestSetFingerprint([test[1], test[0]]).Should().Be(fingerprint);
        NewsEvaluator.TestSetFingerprint([Story(1, 3), Story(2, 9)]).Should().NotBe(fingerprint);
    }

    [Fact]
    public void Evaluate_writes_metrics_json_text_and_predictions_that_read_back()
    {
        var folder = trained.Scratch(nameof(Evaluate_writes_metrics_json_text_and_predictions_that_read_back));
        var metrics = NewsEvaluator.Evaluate(trained.Train, trained.Test, trained.FeaturizerPath, trained.TrainDirectory, folder);

        var json = File.ReadAllText(Path.Combine(folder, NewsEvaluator.MetricsFile));
        json.Should().StartWith("{\n  \"testSet\": ").And.Contain("\"medianBaseline\": {");
        JsonFile.Read<NewsMetrics>(Path.Combine(folder, NewsEvaluator.MetricsFile)).Should().BeEquivalentTo(metrics);

        var text = File.ReadAllText(Path.Combine(folder, NewsEvaluator.TextFile));
        text.Should().Contain("median baseline").And.Contain(metrics.Model.Count.Mae.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture));

        var predictions = File.ReadAllLines(Path.Combine(folder, NewsEvaluator.PredictionsFile));
        predictions[0].Should().Be("id,actual,predicted");
        predictions.Should().HaveCount(trained.Test.Count + 1);
        predictions[1].Should().StartWith($"{trained.Test[0].Id},{trained.Test[0].Comments},");
    }

    [Fact]
    public void The_trained_model_beats_both_baselines_on_the_sample()
    {
        var metrics = NewsEvaluator.Evaluate(trained.Train, trained.Test, trained.FeaturizerPath, trained.TrainDirectory, trained.Scratch("beats"));

        metrics.Model.Count.Mae.Should().BeLessThan(metrics.MedianBaseline.Count.Mae);
        metrics.Model.Count.Mae.Should().BeLessThan(metrics.MeanBaseline.Count.Mae);
        metrics.Model.Count.Spearman.Should().BeGreaterThan(0.5);
    }
}
