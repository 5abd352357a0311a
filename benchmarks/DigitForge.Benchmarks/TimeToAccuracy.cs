using System.Globalization;
using DigitForge.Training.Loop;

namespace DigitForge.Benchmarks;

/// <summary>One training run of a recipe as the Train stage runs it, with the test split scored after every epoch (outside the clock).</summary>
internal sealed record AccuracyCurve(string Recipe, int Seed, int TrainImagesPerEpoch, double[] EpochSeconds, double[] TestAccuracy, int BestEpoch, double BestEpochTestAccuracy, double TotalSeconds)
{
    /// <summary>The first epoch whose weights reach <paramref name="goal"/> on the test split, or null.</summary>
    public int? EpochReaching(double goal) => Array.FindIndex(TestAccuracy, a => a >= goal) is var i and >= 0 ? i + 1 : null;
}

/// <summary>
/// Time and images to a test accuracy, for two recipes on the same seeds, each run in a fresh process:
/// the time is the epochs' own (training and validation, as the Train stage spends it), up to the
/// first epoch whose weights reach the goal on the test split.
/// </summary>
internal static class TimeToAccuracy
{
    public static AccuracyCurve Measure(string recipeFile, BenchmarkData data, int seed, string weightsDirectory)
    {
        var recipe = BenchmarkRecipe.Load(recipeFile);
        recipe.Train.Seed = seed;
        var result = DigitTrainer.Train(
            recipe.Model, recipe.Train, data.Train, data.Validation, data.Normalization, weightsDirectory,
            probe: model => DigitTrainer.Accuracy(model, data.Test, data.Normalization));
        var accuracies = result.History.Select(e => e.Probe!.Value).ToArray();
        return new AccuracyCurve(
            Path.GetFileName(recipeFile), seed, data.Train.Count, [.. result.History.Select(e => e.Seconds)], accuracies,
            result.BestEpoch, accuracies[result.BestEpoch - 1], result.TotalSeconds);
    }

    public static void Report(TextWriter output, IReadOnlyList<AccuracyCurve> curves, double goal)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv, $"time and images to {goal:P1} test accuracy (epoch times include validation; the test probe is outside the clock)"));
        output.WriteLine("  recipe               seed  epochs  to goal: epoch   images      time   kept epoch (test acc)   whole run");
        foreach (var curve in curves)
        {
            var reached = curve.EpochReaching(goal);
            var images = reached is { } e ? (e * curve.TrainImagesPerEpoch).ToString("N0", inv) : "-";
            var time = reached is { } r ? curve.EpochSeconds[..r].Sum().ToString("F1", inv) + " s" : "not reached";
            output.WriteLine(string.Create(inv,
                $"  {curve.Recipe,-20} {curve.Seed,4}  {curve.TestAccuracy.Length,6}  {reached?.ToString(inv) ?? "-",14}  {images,7}  {time,11}   {curve.BestEpoch,4} ({curve.BestEpochTestAccuracy:P2})      {curve.TotalSeconds,7:F1} s"));
        }

        var byRecipe = curves.GroupBy(c => c.Recipe).ToList();
        if (byRecipe.Count == 2 && byRecipe.All(g => g.All(c => c.EpochReaching(goal) is not null)))
        {
            double MeanTime(IGrouping<string, AccuracyCurve> g) => g.Average(c => c.EpochSeconds[..c.EpochReaching(goal)!.Value].Sum());
            output.WriteLine(string.Create(inv, $"ratio of mean time to goal, {byRecipe[0].Key} / {byRecipe[1].Key}: {MeanTime(byRecipe[0]) / MeanTime(byRecipe[1]):F2}x"));
        }
    }
}
