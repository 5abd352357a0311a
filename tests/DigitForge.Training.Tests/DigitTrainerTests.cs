using System.Security.Cryptography;
using DigitForge.Data;
using DigitForge.Training.Model;
using DigitForge.Training.Loop;

namespace DigitForge.Training.Tests;

[Trait("Category", "EndToEnd")]
public sealed class DigitTrainerTests
{
    private static readonly LabelledImages TrainSet = SyntheticDigits.Make(200, seed: 1);
    private static readonly LabelledImages ValidationSet = SyntheticDigits.Make(100, seed: 2);

    private static TrainConfig Quick(int epochs = 4) => new()
    {
        Epochs = epochs,
        BatchSize = 20,
        LearningRate = 0.002,
        Schedule = new ScheduleConfig { StepSize = 10, Gamma = 0.5 },
        EarlyStopping = new EarlyStoppingConfig { Enabled = false },
        Augmentation = new AugmentationConfig { Enabled = false },
        Seed = 5,
        Threads = 2,
    };

    private static TrainingResult Train(TempDirectory temp, TrainConfig train, ModelConfig? model = null, List<string>? log = null, string run = "run") =>
        DigitTrainer.Train(model ?? new ModelConfig(), train, TrainSet, ValidationSet, SyntheticDigits.Stats, temp.File(run), log is null ? null : log.Add);

    [Fact]
    public void A_tiny_run_learns_separable_patterns_and_writes_only_the_weights()
    {
        using var temp = new TempDirectory();
        var log = new List<string>();

        var result = Train(temp, Quick(epochs: 4), log: log);

        result.BestValAccuracy.Should().BeGreaterThanOrEqualTo(0.95);
        result.History.Should().HaveCount(4);
        result.EpochsRun.Should().Be(4);
        result.StoppedEarly.Should().BeFalse();
        result.TrainableParameters.Should().Be(455_754);
        result.BestEpoch.Should().Be(result.History.MaxBy(h => h.ValAccuracy)!.Epoch);
        result.History.Single(h => h.IsBest && h.Epoch == result.BestEpoch).ValAccuracy.Should().Be(result.BestValAccuracy);
        result.History[^1].TrainLoss.Should().BeLessThan(result.History[0].TrainLoss);
        result.History.Should().OnlyContain(h => h.Seconds > 0 && h.TrainImagesPerSecond > 0 && h.LearningRate == 0.002);
        result.History.Select(h => h.Phases).Should().OnlyContain(p =>
            p.Batch > 0 && p.Forward > 0 && p.Backward > 0 && p.OptimizerStep > 0 && p.Bookkeeping > 0 && p.Validation > 0);
        result.History.Should().OnlyContain(h =>
            h.Phases.Batch + h.Phases.Forward + h.Phases.Backward + h.Phases.OptimizerStep + h.Phases.Bookkeeping + h.Phases.Validation <= h.Seconds);
        result.TotalSeconds.Should().BeGreaterThan(0);

        Directory.GetFileSystemEntries(temp.File("run")).Select(Path.GetFileName).Should().Equal(DigitTrainer.WeightsFileName);
        result.WeightsPath.Should().Be(Path.Combine(temp.File("run"), "model.weights"));
        new FileInfo(result.WeightsPath).Length.Should().BeGreaterThan(455_754 * 4);

        log.Should().HaveCount(4);
        log[0].Should().MatchRegex(@"^epoch 1/4  train loss \d+\.\d{4} acc \d+\.\d\d%  val loss \d+\.\d{4} acc \d+\.\d\d%  lr 0\.002  \d+\.\ds  \d+ img/s  \(best\)$");
    }

    [Fact]
    public void Early_stopping_triggers_after_patience_epochs_without_enough_gain()
    {
        using var temp = new TempDirectory();
        var train = Quick(epochs: 6);
        // No epoch can beat the first by more than 100 percentage points.
        train.EarlyStopping = new EarlyStoppingConfig { Enabled = true, Patience = 2, MinDelta = 1.0 };
        var log = new List<string>();

        var result = Train(temp, train, log: log);

        result.StoppedEarly.Should().BeTrue();
        result.EpochsRun.Should().Be(3);
        result.History.Should().HaveCount(3);
        log.Should().HaveCount(4).And.Contain(l => l.StartsWith("early stopping", StringComparison.Ordinal));
        File.Exists(result.WeightsPath).Should().BeTrue();
    }

    [Theory]
    [InlineData(KeepBestBy.ValidationAccuracy)]
    [InlineData(KeepBestBy.ValidationLoss)]
    public void The_kept_epoch_is_the_best_by_the_chosen_validation_figure(KeepBestBy keepBestBy)
    {
        using var temp = new TempDirectory();
        var train = Quick(epochs: 5);
        train.EarlyStopping = new EarlyStoppingConfig { Enabled = false };
        train.KeepBestBy = keepBestBy;

        var result = Train(temp, train);

        // The first epoch with the best figure: the lowest loss, or the highest accuracy.
        var best = keepBestBy == KeepBestBy.ValidationLoss
            ? result.History.OrderBy(e => e.ValLoss).ThenBy(e => e.Epoch).First()
            : result.History.OrderByDescending(e => e.ValAccuracy).ThenBy(e => e.Epoch).First();
        result.BestEpoch.Should().Be(best.Epoch);
        result.BestValAccuracy.Should().Be(best.ValAccuracy);
        result.History.Single(e => e.IsBest && e.Epoch == result.BestEpoch).Should().NotBeNull();
    }

    [Fact]
    public void Without_early_stopping_all_epochs_run()
    {
        using var temp = new TempDirectory();
        var train = Quick(epochs: 3);
        train.EarlyStopping = new EarlyStoppingConfig { Enabled = false, Patience = 1, MinDelta = 1.0 };

        var result = Train(temp, train);

        result.StoppedEarly.Should().BeFalse();
        result.EpochsRun.Should().Be(3);
    }

    [Fact]
    public void StepLR_decays_the_learning_rate_every_step_size_epochs()
    {
        using var temp = new TempDirectory();
        var train = Quick(epochs: 5);
        train.LearningRate = 0.004;
        train.Schedule = new ScheduleConfig { StepSize = 2, Gamma = 0.5 };

        var result = Train(temp, train);

        result.History.Select(h => h.LearningRate).Should().Equal(
            [0.004, 0.004, 0.002, 0.002, 0.001],
            (actual, expected) => Math.Abs(actual - expected) < 1e-12);
    }

    [Fact]
    public void One_cycle_warms_up_from_a_fraction_of_the_peak_then_anneals_to_nearly_zero()
    {
        using var temp = new TempDirectory();
        var train = Quick(epochs: 4);
        train.LearningRate = 0.004;
        train.Schedule = new ScheduleConfig { Kind = ScheduleKind.OneCycle, WarmupFraction = 0.5, DivFactor = 20 };

        var result = Train(temp, train);

        // Rates are those at each epoch's start: 10 batches an epoch, the peak at step 19 of 40 (libtorch counts from 0).
        var rates = result.History.Select(h => h.LearningRate).ToList();
        rates[0].Should().BeApproximately(0.004 / 20, 1e-9);
        rates[2].Should().BeApproximately(0.004, 0.004 * 0.01);
        rates[1].Should().BeInRange(rates[0], rates[2]);
        rates[3].Should().BeLessThan(rates[2]);
        result.BestValAccuracy.Should().BeGreaterThanOrEqualTo(0.95);
    }

    [Fact]
    public void Label_smoothing_raises_the_loss_floor_and_still_learns()
    {
        using var temp = new TempDirectory();
        var plain = Train(temp, Quick(epochs: 3), run: "plain");
        var smoothedConfig = Quick(epochs: 3);
        smoothedConfig.LabelSmoothing = 0.2;

        var smoothed = Train(temp, smoothedConfig, run: "smoothed");

        // Smoothed targets cannot be matched with certainty, so the training loss stays higher.
        smoothed.History[^1].TrainLoss.Should().BeGreaterThan(plain.History[^1].TrainLoss);
        smoothed.BestValAccuracy.Should().BeGreaterThanOrEqualTo(0.95);
    }

    [Fact]
    public void SGD_with_momentum_trains()
    {
        using var temp = new TempDirectory();
        var train = Quick(epochs: 4);
        train.Optimizer = OptimizerKind.Sgd;
        train.LearningRate = 0.02;
        train.Momentum = 0.9;

        var result = Train(temp, train);

        result.BestValAccuracy.Should().BeGreaterThanOrEqualTo(0.9);
        result.History[^1].TrainLoss.Should().BeLessThan(result.History[0].TrainLoss);
    }

    [Fact]
    public void Identical_runs_give_identical_weights_and_another_seed_does_not()
    {
        using var temp = new TempDirectory();
        // Defaults where it matters for determinism: dropout, BatchNorm, augmentation, Adam with weight decay.
        var train = Quick(epochs: 2);
        train.Augmentation = new AugmentationConfig();

        var first = Train(temp, train, run: "a");
        var second = Train(temp, train, run: "b");
        train.Seed = 6;
        var otherSeed = Train(temp, train, run: "c");

        Sha256(first.WeightsPath).Should().Be(Sha256(second.WeightsPath));
        first.History.Select(h => (h.TrainLoss, h.ValLoss, h.ValAccuracy)).Should().Equal(second.History.Select(h => (h.TrainLoss, h.ValLoss, h.ValAccuracy)));
        Sha256(otherSeed.WeightsPath).Should().NotBe(Sha256(first.WeightsPath));
    }

    [Fact]
    public void An_epoch_listener_sees_every_epoch_without_changing_the_weights_and_stops_the_run_with_nothing_saved_when_it_throws()
    {
        using var temp = new TempDirectory();
        var train = Quick(epochs: 2);
        var plain = Train(temp, train, run: "plain");
        var seen = new List<int>();
        var listened = DigitTrainer.Train(new ModelConfig(), train, TrainSet, ValidationSet, SyntheticDigits.Stats, temp.File("listened"), epochDone: e => seen.Add(e.Epoch));
        seen.Should().Equal(1, 2);
        Sha256(listened.WeightsPath).Should().Be(Sha256(plain.WeightsPath), "a sweep's pruning board only listens");

        var stopped = () => DigitTrainer.Train(new ModelConfig(), train, TrainSet, ValidationSet, SyntheticDigits.Stats, temp.File("stopped"), epochDone: _ => throw new OperationCanceledException("pruned"));
        stopped.Should().Throw<OperationCanceledException>().WithMessage("pruned");
        Directory.Exists(temp.File("stopped")).Should().BeFalse("a stopped run writes no weights");
    }

    [Fact]
    public void Appearance_augmentations_train_reproducibly_and_change_the_weights()
    {
        using var temp = new TempDirectory();
        var plain = Quick(epochs: 2);
        plain.Augmentation = new AugmentationConfig();
        var appearance = Quick(epochs: 2);
        appearance.Augmentation = new AugmentationConfig { StrokeProbability = 0.5, BlurProbability = 0.5, NoiseProbability = 0.5, InvertProbability = 0.5 };

        var without = Sha256(Train(temp, plain, run: "plain").WeightsPath);
        var first = Sha256(Train(temp, appearance, run: "a").WeightsPath);
        var second = Sha256(Train(temp, appearance, run: "b").WeightsPath);

        first.Should().Be(second);
        first.Should().NotBe(without);
    }

    [Fact]
    public void The_predictor_reproduces_the_best_validation_accuracy()
    {
        using var temp = new TempDirectory();
        var train = Quick(epochs: 3);
        train.Augmentation = new AugmentationConfig();
        var model = new ModelConfig { Channels = [16, 32, 32], Hidden = [64, 32] };
        var result = Train(temp, train, model);

        using var predictor = DigitPredictor.Load(result.WeightsPath, model);
        var logits = predictor.Logits(ValidationSet, SyntheticDigits.Stats, batchSize: 33);

        logits.Should().HaveCount(ValidationSet.Count * 10);
        var predictions = DigitPredictor.Predictions(logits);
        var correct = predictions.Where((p, i) => p == ValidationSet.Labels[i]).Count();
        ((double)correct / ValidationSet.Count).Should().Be(result.BestValAccuracy);

        // The same logits whatever the batch size.
        predictor.Logits(ValidationSet, SyntheticDigits.Stats).Should().Equal(logits, (a, b) => Math.Abs(a - b) < 1e-4f);
    }

    [Fact]
    public void The_predictor_rejects_weights_of_another_architecture()
    {
        using var temp = new TempDirectory();
        var result = Train(temp, Quick(epochs: 1), new ModelConfig { Channels = [8, 8, 8], Hidden = [16, 16] });

        var act = () => DigitPredictor.Load(result.WeightsPath, new ModelConfig());

        act.Should().Throw<Exception>();
    }

    [Fact]
    public void Mismatched_image_sizes_are_rejected()
    {
        using var temp = new TempDirectory();
        var small = new LabelledImages(new byte[10 * 14 * 14], new byte[10], 14, 14);

        var act = () => DigitTrainer.Train(new ModelConfig(), Quick(), TrainSet, small, SyntheticDigits.Stats, temp.Path);

        act.Should().Throw<ArgumentException>().WithMessage("*validation images are 14x14*");
    }

    [Fact]
    public void Reports_progress_after_every_batch_with_the_running_loss_and_time_left()
    {
        using var temp = new TempDirectory();
        var reports = new List<TrainingProgress>();
        var train = Quick(epochs: 2);
        train.EarlyStopping = new EarlyStoppingConfig { Enabled = false };

        var result = DigitTrainer.Train(new ModelConfig(), train, TrainSet, ValidationSet, SyntheticDigits.Stats, temp.Path, progress: reports.Add);

        var batches = (TrainSet.Count + train.BatchSize - 1) / train.BatchSize;
        reports.Should().HaveCount(2 * batches);
        reports.Select(r => r.Fraction).Should().BeInAscendingOrder().And.EndWith(1.0);
        reports[^1].Remaining.Should().Be(TimeSpan.Zero);
        reports.Where(r => r.Batch == batches).Select(r => r.EpochLoss).Should().Equal(result.History.Select(h => h.TrainLoss));
        reports[0].ToString().Should().MatchRegex(@"^epoch 1/2 batch 1/\d+  loss \d\.\d{4}  \d+ % done, about \d:\d{2}:\d{2} left$");
    }

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
