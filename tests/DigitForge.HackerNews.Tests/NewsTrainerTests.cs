using System.IO.Compression;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;

namespace DigitForge.HackerNews.Tests;

[Trait("Category", "Unit")]
public sealed class NewsTrainerTests(TrainedModel trained) : IClassFixture<TrainedModel>
{
    [Fact]
    public void Training_twice_with_the_same_data_and_config_writes_identical_model_bytes()
    {
        var again = trained.Scratch(nameof(Training_twice_with_the_same_data_and_config_writes_identical_model_bytes));
        NewsTrainer.Train(trained.Train, trained.FeaturizerPath, TrainedModel.TrainConfig, again);

        File.ReadAllBytes(Path.Combine(again, NewsTrainer.ModelFile)).Should().Equal(File.ReadAllBytes(Path.Combine(trained.TrainDirectory, NewsTrainer.ModelFile)));
        File.ReadAllBytes(Path.Combine(again, NewsTrainer.ImportanceFile)).Should().Equal(File.ReadAllBytes(Path.Combine(trained.TrainDirectory, NewsTrainer.ImportanceFile)));
    }

    [Fact]
    public void A_different_seed_or_recipe_gives_a_different_model()
    {
        var other = trained.Scratch(nameof(A_different_seed_or_recipe_gives_a_different_model));
        var config = TrainedModel.TrainConfig;
        config.Leaves = 4;
        NewsTrainer.Train(trained.Train, trained.FeaturizerPath, config, other);

        File.ReadAllBytes(Path.Combine(other, NewsTrainer.ModelFile)).Should().NotEqual(File.ReadAllBytes(Path.Combine(trained.TrainDirectory, NewsTrainer.ModelFile)));
    }

    [Fact]
    public void The_saved_model_has_no_time_of_saving_in_it()
    {
        using var zip = ZipFile.OpenRead(Path.Combine(trained.TrainDirectory, NewsTrainer.ModelFile));
        zip.Entries.Should().NotBeEmpty().And.OnlyContain(e => e.LastWriteTime.Year == 1980);
    }

    [Fact]
    public void The_model_learns_the_planted_pattern()
    {
        var predictor = NewsPredictor.Load(trained.FeaturizerPath, trained.TrainDirectory);
        var when = new DateTimeOffset(2016, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var predicted = predictor.Predict(
        [
            new SubmittedStory("Ask HN: python database", null, when, "user3"),
            new SubmittedStory("python database guide", "https://github.com/x/y", when, "user3"),
        ]);

        predicted[0].Should().BeGreaterThan(20, "Ask HN posts draw 40 to 70 comments in the sample");
        predicted[1].Should().BeLessThan(10, "plain links draw 1 to 4");
    }

    [Fact]
    public void The_median_center_shifts_the_log_prediction_by_the_recorded_offset()
    {
        var meanFolder = trained.Scratch(nameof(The_median_center_shifts_the_log_prediction_by_the_recorded_offset));
        var config = TrainedModel.TrainConfig;
        config.Center = NewsCenter.Mean;
        NewsTrainer.Train(trained.Train, trained.FeaturizerPath, config, meanFolder);
        SubmittedStory[] stories = [.. trained.Test.Take(20).Select(SubmittedStory.From)];

        var mean = NewsPredictor.Load(trained.FeaturizerPath, meanFolder).Predict(stories);
        var median = NewsPredictor.Load(trained.FeaturizerPath, trained.TrainDirectory).Predict(stories);

        JsonFile.Read<TrainingRecord>(Path.Combine(meanFolder, NewsTrainer.RecordFile)).Offset.Should().Be(0);
        trained.Record.Offset.Should().NotBe(0);
        for (var i = 0; i < stories.Length; i++)
            (double.LogP1(median[i]) - double.LogP1(mean[i])).Should().BeApproximately(trained.Record.Offset, 1e-4);
    }

    [Fact]
    public void A_count_target_predicts_counts_and_never_below_zero()
    {
        var folder = trained.Scratch(nameof(A_count_target_predicts_counts_and_never_below_zero));
        var config = TrainedModel.TrainConfig;
        config.Target = NewsTarget.Count;
        config.Center = NewsCenter.Mean;
        NewsTrainer.Train(trained.Train, trained.FeaturizerPath, config, folder);

        var predicted = NewsPredictor.Load(trained.FeaturizerPath, folder).Predict([.. trained.Test.Select(SubmittedStory.From)]);
        predicted.Should().OnlyContain(p => p >= 0);
        predicted.Average().Should().BeApproximately(trained.Test.Average(s => s.Comments), 5, "least squares on counts centres on the mean count");
    }

    [Fact]
    public void Importance_names_the_planted_features_first_and_shares_add_up_to_one()
    {
        var importance = JsonFile.Read<List<FeatureImportance>>(Path.Combine(trained.TrainDirectory, NewsTrainer.ImportanceFile));

        importance.Should().BeInDescendingOrder(f => f.Gain);
        importance.Sum(f => f.Share).Should().BeApproximately(1, 1e-6);
        importance.Take(3).Select(f => f.Feature).Should().IntersectWith(["ask_hn", "domain.none", "word.ask", "word.hn", "word.ask|hn", "word.rust"]);
    }

    [Fact]
    public void The_training_record_keeps_the_recipe()
    {
        var record = JsonFile.Read<TrainingRecord>(Path.Combine(trained.TrainDirectory, NewsTrainer.RecordFile));
        record.Target.Should().Be(NewsTarget.Log1p);
        record.TrainingStories.Should().Be(trained.Train.Count);
        record.Config.Trees.Should().Be(60);
        File.ReadAllText(Path.Combine(trained.TrainDirectory, NewsTrainer.RecordFile)).Should().Contain("\"target\": \"log1p\"");
    }

    [Fact]
    public void An_empty_training_split_is_refused() =>
        FluentActions.Invoking(() => NewsTrainer.Train([], trained.FeaturizerPath, new NewsTrainConfig(), trained.Scratch("empty")))
            .Should().Throw<ArgumentException>().WithMessage("*empty*");
}
