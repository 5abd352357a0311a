using DigitForge.Training;
using DigitForge.Training.Model;
using DigitForge.Training.Loop;

namespace DigitForge.Benchmarks;

/// <summary>Our training loop exactly as the Train stage runs it.</summary>
internal static class OurTrainingLoop
{
    public static TrainingMeasurement Run(BenchmarkRecipe recipe, BenchmarkData data, string weightsDirectory)
    {
        var result = DigitTrainer.Train(recipe.Model, recipe.Train, data.Train, data.Validation, data.Normalization, weightsDirectory);
        return new TrainingMeasurement(
            "ours",
            [.. result.History.Select(e => e.TrainImagesPerSecond)],
            [.. result.History.Select(e => e.TrainLoss)],
            [.. result.History.Select(e => e.Phases)],
            PeakMemory.Bytes());
    }
}

/// <summary>Scores the test split as the Evaluate stage does: a fresh process, then a few more passes.</summary>
internal static class EvaluationRun
{
    private const int WarmPasses = 3;

    public static EvaluationMeasurement Run(BenchmarkRecipe recipe, BenchmarkData data, string weightsPath)
    {
        var test = data.Test;
        var batchSize = recipe.Evaluate.BatchSize;
        using var predictor = DigitPredictor.Load(weightsPath, recipe.Model, TorchNumerics.Of(recipe.Train));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var logits = predictor.Logits(test, data.Normalization, batchSize);
        var first = test.Count / clock.Elapsed.TotalSeconds;

        clock.Restart();
        for (var pass = 0; pass < WarmPasses; pass++)
        {
            predictor.Logits(test, data.Normalization, batchSize);
        }

        var warm = WarmPasses * test.Count / clock.Elapsed.TotalSeconds;
        var predictions = DigitPredictor.Predictions(logits);
        var correct = predictions.Where((predicted, i) => predicted == test.Labels[i]).Count();
        return new EvaluationMeasurement(test.Count, batchSize, first, warm, (double)correct / test.Count, PeakMemory.Bytes());
    }
}
