using System.Diagnostics;
using System.Globalization;
using DigitForge.Data;
using DigitForge.Engine.Storage;
using DigitForge.Training.Model;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DigitForge.Training.Loop;

/// <summary>
/// Trains <see cref="DigitCnn"/> on a training split, selects the epoch with the best validation
/// accuracy and writes its weights to <c>model.weights</c> (TorchSharp <c>Module.save</c> format).
/// </summary>
/// <remarks>
/// Reproducible: same inputs, configs and <see cref="TrainConfig.Threads"/> give a byte-identical
/// weights file. Weight initialisation and dropout use libtorch's global generator (seeded with
/// <see cref="TrainConfig.Seed"/>); shuffling and augmentation use our own seeded generators.
/// Because the libtorch generator and thread count are process-wide, runs in one process are
/// serialised (one at a time) and must not overlap other libtorch work that draws random numbers.
/// </remarks>
public static class DigitTrainer
{
    public const string WeightsFileName = "model.weights";

    /// <summary>Batch size of the validation passes (no gradients, so large is cheap).</summary>
    public const int EvalBatchSize = 1000;

    /// <summary>Serialises runs: libtorch's RNG and thread settings are global.</summary>
    private static readonly Lock Gate = new();

    private const ulong ShuffleStream = 1;
    private const ulong AugmentStream = 2;
    private const ulong AppearanceStream = 3;

    /// <summary>Trains, writes <c>model.weights</c> (and nothing else) into <paramref name="outputDirectory"/>,
    /// and reports one line per epoch to <paramref name="log"/>.</summary>
    /// <param name="epochDone">Told each epoch's figures after validation; throwing stops the training with nothing saved (a sweep's pruning).</param>
    public static TrainingResult Train(
        ModelConfig model,
        TrainConfig train,
        LabelledImages trainSet,
        LabelledImages validationSet,
        NormalizationStats normalization,
        string outputDirectory,
        Action<string>? log = null,
        CancellationToken cancellationToken = default,
        Action<TrainingProgress>? progress = null,
        Func<DigitCnn, double>? probe = null,
        Action<EpochRecord>? epochDone = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(trainSet);
        ArgumentNullException.ThrowIfNull(validationSet);
        ArgumentNullException.ThrowIfNull(normalization);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        CheckInputs(train, trainSet, validationSet);
        log ??= static _ => { };

        lock (Gate)
        {
            return TrainLocked(model, train, trainSet, validationSet, normalization, outputDirectory, log, progress, probe, epochDone, cancellationToken);
        }
    }

    /// <summary>Pins the kernel set (before libtorch's first use), then sets libtorch's intra-op threads, and its
    /// inter-op threads while that is still allowed (libtorch refuses once any inter-op work has started or it was set before).</summary>
    public static void ConfigureNumerics(TorchNumerics numerics)
    {
        ArgumentNullException.ThrowIfNull(numerics);
        var threads = numerics.Threads;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threads);
        TorchKernels.Use(numerics.Kernels);
        torch.set_num_threads(threads);
        try
        {
            if (torch.get_num_interop_threads() != threads)
            {
                torch.set_num_interop_threads(threads);
            }
        }
        catch (System.Runtime.InteropServices.ExternalException)
        {
            // Already fixed for this process; inter-op threads do not affect our results.
        }
    }

    private static TrainingResult TrainLocked(
        ModelConfig modelConfig,
        TrainConfig config,
        LabelledImages trainSet,
        LabelledImages validationSet,
        NormalizationStats normalization,
        string outputDirectory,
        Action<string> log,
        Action<TrainingProgress>? progress,
        Func<DigitCnn, double>? probe,
        Action<EpochRecord>? epochDone,
        CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        ConfigureNumerics(TorchNumerics.Of(config));
        GlibcMalloc.KeepFreedBlocks();
        torch.manual_seed(config.Seed);

        using var model = new DigitCnn(modelConfig);
        var parameterCount = model.TrainableParameterCount();

        using var trainX = ImageTensors.Normalised(trainSet, normalization);
        using var trainY = ImageTensors.Labels(trainSet);
        using var valX = ImageTensors.Normalised(validationSet, normalization);
        using var valY = ImageTensors.Labels(validationSet);
        var background = ImageTensors.Background(normalization);

        using var optimizer = CreateOptimizer(model, config);
        var batchesPerEpoch = (trainSet.Count + config.BatchSize - 1) / config.BatchSize;
        var schedule = LearningRateSchedule.Create(optimizer, config, batchesPerEpoch);

        var shuffle = SplitMix64.ForStream(config.Seed, ShuffleStream);
        var augmenter = config.Augmentation.Enabled
            ? new BatchAugmenter(config.Augmentation, SplitMix64.ForStream(config.Seed, AugmentStream))
            : null;
        // Its own stream: turning appearance augmentations on leaves the affine draws as they were.
        using var appearance = config.Augmentation.Enabled && AppearanceAugmenter.IsActive(config.Augmentation)
            ? new AppearanceAugmenter(config.Augmentation, normalization, SplitMix64.ForStream(config.Seed, AppearanceStream))
            : null;

        var state = model.state_dict();
        var best = state.ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        try
        {
            var history = new List<EpochRecord>(config.Epochs);
            var order = new long[trainSet.Count];
            var bestEpoch = 0;
            var bestAccuracy = double.NegativeInfinity;
            var bestLoss = double.PositiveInfinity;
            var stoppingReference = double.NegativeInfinity; // best accuracy that reset the patience
            var epochsWithoutImprovement = 0;
            var stoppedEarly = false;

            for (var epoch = 1; epoch <= config.Epochs; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var epochClock = Stopwatch.StartNew();
                var learningRate = optimizer.ParamGroups.First().LearningRate;

                for (var i = 0; i < order.Length; i++)
                {
                    order[i] = i;
                }

                shuffle.Shuffle(order);
                var batches = (order.Length + config.BatchSize - 1) / config.BatchSize;
                var thisEpoch = epoch;
                Action<int, double>? onBatch = progress is null ? null : (batch, loss) => progress(new TrainingProgress(thisEpoch, config.Epochs, batch, batches, loss, total.Elapsed));
                var phases = new PhaseClock();
                var (trainLoss, trainAccuracy) = TrainEpoch(model, optimizer, schedule, config, trainX, trainY, order, augmenter, appearance, background, phases, onBatch, cancellationToken);
                var trainSeconds = epochClock.Elapsed.TotalSeconds;
                schedule.EpochDone();

                var validationStart = epochClock.Elapsed;
                var (valLoss, valAccuracy) = Evaluate(model, valX, valY, EvalBatchSize);
                var validationSeconds = (epochClock.Elapsed - validationStart).TotalSeconds;

                var isBest = config.KeepBestBy == KeepBestBy.ValidationLoss ? valLoss < bestLoss : valAccuracy > bestAccuracy;
                if (isBest)
                {
                    bestAccuracy = valAccuracy;
                    bestLoss = valLoss;
                    bestEpoch = epoch;
                    CopyState(from: state, to: best);
                }

                if (valAccuracy > stoppingReference + config.EarlyStopping.MinDelta)
                {
                    stoppingReference = valAccuracy;
                    epochsWithoutImprovement = 0;
                }
                else
                {
                    epochsWithoutImprovement++;
                }

                var seconds = epochClock.Elapsed.TotalSeconds;
                var imagesPerSecond = trainSet.Count / Math.Max(trainSeconds, 1e-9);
                history.Add(new EpochRecord(epoch, trainLoss, trainAccuracy, valLoss, valAccuracy, learningRate, seconds)
                {
                    TrainImagesPerSecond = imagesPerSecond,
                    IsBest = isBest,
                    Phases = phases.ToPhases(validationSeconds),
                    Probe = probe?.Invoke(model),
                });
                log(string.Create(
                    CultureInfo.InvariantCulture,
                    $"epoch {epoch.ToString(CultureInfo.InvariantCulture).PadLeft(config.Epochs.ToString(CultureInfo.InvariantCulture).Length)}/{config.Epochs}  " +
                    $"train loss {trainLoss:F4} acc {trainAccuracy * 100:F2}%  " +
                    $"val loss {valLoss:F4} acc {valAccuracy * 100:F2}%  " +
                    $"lr {learningRate:G4}  {seconds:F1}s  {imagesPerSecond:F0} img/s{(isBest ? "  (best)" : string.Empty)}"));
                epochDone?.Invoke(history[^1]);

                if (config.EarlyStopping.Enabled && epochsWithoutImprovement >= config.EarlyStopping.Patience && epoch < config.Epochs)
                {
                    stoppedEarly = true;
                    log(string.Create(
                        CultureInfo.InvariantCulture,
                        $"early stopping: no validation accuracy gain above {config.EarlyStopping.MinDelta:G4} in {epochsWithoutImprovement} epochs; best epoch {bestEpoch} ({bestAccuracy * 100:F2}%)"));
                    break;
                }
            }

            CopyState(from: best, to: state);
            var weightsPath = Path.GetFullPath(Path.Combine(outputDirectory, WeightsFileName));
            SaveAtomically(model, weightsPath);

            return new TrainingResult
            {
                History = history,
                BestEpoch = bestEpoch,
                BestValAccuracy = bestAccuracy,
                EpochsRun = history.Count,
                StoppedEarly = stoppedEarly,
                TotalSeconds = total.Elapsed.TotalSeconds,
                TrainableParameters = parameterCount,
                WeightsPath = weightsPath,
            };
        }
        finally
        {
            foreach (var tensor in best.Values)
            {
                tensor.Dispose();
            }
        }
    }

    private static (double Loss, double Accuracy) TrainEpoch(
        DigitCnn model,
        optim.Optimizer optimizer,
        LearningRateSchedule schedule,
        TrainConfig config,
        Tensor images,
        Tensor labels,
        long[] order,
        BatchAugmenter? augmenter,
        AppearanceAugmenter? appearance,
        float background,
        PhaseClock phases,
        Action<int, double>? onBatch,
        CancellationToken cancellationToken)
    {
        model.train();
        var batchSize = config.BatchSize;
        using var permutation = tensor(order, [order.Length], ScalarType.Int64);
        double lossSum = 0;
        long correct = 0;

        for (var start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (NewDisposeScope())
            {
                var count = Math.Min(batchSize, order.Length - start);
                var index = permutation.narrow(0, start, count);
                var x = images.index_select(0, index);
                var y = labels.index_select(0, index);
                if (augmenter is not null)
                {
                    x = augmenter.Augment(x, background);
                }

                if (appearance is not null)
                {
                    x = appearance.Augment(x);
                }

                phases.Lap(StepPhase.Batch);
                optimizer.zero_grad();
                var logits = model.forward(x);
                var loss = F.cross_entropy(logits, y, label_smoothing: config.LabelSmoothing);
                phases.Lap(StepPhase.Forward);
                loss.backward();
                phases.Lap(StepPhase.Backward);
                optimizer.step();
                schedule.BatchDone();
                phases.Lap(StepPhase.OptimizerStep);

                lossSum += loss.item<float>() * (double)count;
                using (no_grad())
                {
                    correct += logits.argmax(1).eq(y).sum().item<long>();
                }

                onBatch?.Invoke(start / batchSize + 1, lossSum / (start + count));
            }

            phases.Lap(StepPhase.Bookkeeping);
        }

        return (lossSum / order.Length, (double)correct / order.Length);
    }

    /// <summary>Accuracy of <paramref name="model"/> on <paramref name="set"/> (eval mode, no gradients): a probe for benchmarks.</summary>
    public static double Accuracy(DigitCnn model, LabelledImages set, NormalizationStats normalization)
    {
        using var images = ImageTensors.Normalised(set, normalization);
        using var labels = ImageTensors.Labels(set);
        return Evaluate(model, images, labels, EvalBatchSize).Accuracy;
    }

    /// <summary>Mean cross-entropy and accuracy in eval mode, in inference mode (no gradients,
    /// no autograd bookkeeping).</summary>
    internal static (double Loss, double Accuracy) Evaluate(DigitCnn model, Tensor images, Tensor labels, int batchSize)
    {
        model.eval();
        using var _ = inference_mode();
        var count = images.shape[0];
        double lossSum = 0;
        long correct = 0;
        for (long start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(batchSize, count - start);
            var logits = model.forward(images.narrow(0, start, n));
            var y = labels.narrow(0, start, n);
            lossSum += F.cross_entropy(logits, y, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(y).sum().item<long>();
        }

        return (lossSum / count, (double)correct / count);
    }

    private static optim.Optimizer CreateOptimizer(DigitCnn model, TrainConfig config) => config.Optimizer switch
    {
        OptimizerKind.Adam => optim.Adam(model.parameters(), lr: config.LearningRate, weight_decay: config.WeightDecay),
        OptimizerKind.Sgd => optim.SGD(model.parameters(), config.LearningRate, momentum: config.Momentum, weight_decay: config.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(config), config.Optimizer, "Unknown optimizer."),
    };

    private static void CopyState(Dictionary<string, Tensor> from, Dictionary<string, Tensor> to)
    {
        using var _ = no_grad();
        foreach (var (name, target) in to)
        {
            target.copy_(from[name]);
        }
    }

    // Module.save(path) writes in place; a killed Train must never leave half a weights file behind.
    private static void SaveAtomically(DigitCnn model, string path) => AtomicFile.Write(path, stream =>
    {
        using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        model.save(writer);
    });

    private static void CheckInputs(TrainConfig train, LabelledImages trainSet, LabelledImages validationSet)
    {
        if (train.Epochs < 1 || train.BatchSize < 1 || train.Threads < 1)
        {
            throw new ArgumentException($"Epochs ({train.Epochs}), batch size ({train.BatchSize}) and threads ({train.Threads}) must be positive.", nameof(train));
        }

        if (train.Schedule is null || train.EarlyStopping is null || train.Augmentation is null)
        {
            throw new ArgumentException("The train config needs its schedule, earlyStopping and augmentation sections.", nameof(train));
        }

        if (train.Schedule.StepSize < 1)
        {
            throw new ArgumentException($"Schedule step size must be positive, got {train.Schedule.StepSize}.", nameof(train));
        }

        if (trainSet.Count == 0 || validationSet.Count == 0)
        {
            throw new ArgumentException($"Training needs images in both splits (train {trainSet.Count}, validation {validationSet.Count}).");
        }

        if (trainSet.Rows != validationSet.Rows || trainSet.Columns != validationSet.Columns)
        {
            throw new ArgumentException($"Train images are {trainSet.Rows}x{trainSet.Columns} but validation images are {validationSet.Rows}x{validationSet.Columns}.");
        }

        if (trainSet.Rows < 4 || trainSet.Columns < 4)
        {
            throw new ArgumentException($"Images of {trainSet.Rows}x{trainSet.Columns} are too small for two 2x2 poolings.");
        }
    }
}
