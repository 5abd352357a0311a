using DigitForge.Data;
using DigitForge.Training;
using DigitForge.Training.Model;
using DigitForge.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DigitForge.Benchmarks;

/// <summary>
/// The "before": the same network (the same <see cref="DigitCnn"/> module) and recipe trained the
/// straightforward way, as a direct port of the seeds' PyTorch script would do it. A dataset-style
/// pipeline turns each image into its own normalised tensor and augments it on its own (one
/// affine_grid + grid_sample per image, as a per-sample transform does), each batch is concatenated
/// from those, labels come from a managed array, and libtorch and malloc keep their default
/// settings (no <see cref="GlibcMalloc"/>). It does use a dispose scope per batch, as TorchSharp's
/// own examples do, so the comparison is not with a loop that leaks tensors.
/// </summary>
internal static class PlainTrainingLoop
{
    public static TrainingMeasurement Run(BenchmarkRecipe recipe, BenchmarkData data)
    {
        var config = recipe.Train;
        torch.manual_seed(config.Seed);
        var random = new Random(config.Seed);
        using var model = new DigitCnn(recipe.Model);
        using var optimizer = optim.Adam(model.parameters(), lr: config.LearningRate, weight_decay: config.WeightDecay);
        var train = data.Train;
        var order = Enumerable.Range(0, train.Count).ToArray();

        var rates = new double[config.Epochs];
        var losses = new double[config.Epochs];
        var phases = new EpochPhases[config.Epochs];
        for (var epoch = 0; epoch < config.Epochs; epoch++)
        {
            model.train();
            random.Shuffle(order);
            var clock = new PhaseClock();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            double lossSum = 0;
            for (var start = 0; start < order.Length; start += config.BatchSize)
            {
                using (NewDisposeScope())
                {
                    var count = Math.Min(config.BatchSize, order.Length - start);
                    var images = new Tensor[count];
                    var labels = new long[count];
                    for (var i = 0; i < count; i++)
                    {
                        images[i] = Sample(train, order[start + i], data.Normalization, config.Augmentation, random);
                        labels[i] = train.Labels[order[start + i]];
                    }

                    var x = cat(images, 0);
                    var y = tensor(labels);
                    clock.Lap(StepPhase.Batch);
                    optimizer.zero_grad();
                    var loss = F.cross_entropy(model.forward(x), y);
                    clock.Lap(StepPhase.Forward);
                    loss.backward();
                    clock.Lap(StepPhase.Backward);
                    optimizer.step();
                    clock.Lap(StepPhase.OptimizerStep);
                    lossSum += loss.item<float>() * (double)count;
                }

                clock.Lap(StepPhase.Bookkeeping);
            }

            rates[epoch] = order.Length / System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
            losses[epoch] = lossSum / order.Length;
            phases[epoch] = clock.ToPhases(validationSeconds: 0);
        }

        return new TrainingMeasurement("plain", rates, losses, phases, PeakMemory.Bytes());
    }

    /// <summary>One image as a normalised [1, 1, H, W] tensor, randomly rotated, shifted and scaled.</summary>
    private static Tensor Sample(LabelledImages images, int index, NormalizationStats stats, AugmentationConfig augmentation, Random random)
    {
        var pixels = images.Image(index);
        var values = new float[pixels.Length];
        for (var p = 0; p < values.Length; p++)
        {
            values[p] = (float)((pixels[p] / 255.0 - stats.Mean) / stats.Std);
        }

        var image = tensor(values, [1, 1, images.Rows, images.Columns]);
        if (!augmentation.Enabled)
        {
            return image;
        }

        double Uniform(double min, double max) => min + (max - min) * random.NextDouble();
        var parameters = new AffineParameters(
            Uniform(-augmentation.RotationDegrees, augmentation.RotationDegrees),
            Uniform(-augmentation.Translation, augmentation.Translation),
            Uniform(-augmentation.Translation, augmentation.Translation),
            Uniform(augmentation.ScaleMin, augmentation.ScaleMax));
        return BatchAugmenter.Apply(image, [parameters], ImageTensors.Background(stats));
    }
}
