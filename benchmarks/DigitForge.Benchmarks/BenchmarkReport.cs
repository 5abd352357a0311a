using System.Globalization;
using DigitForge.Training.Loop;

namespace DigitForge.Benchmarks;

/// <summary>Prints the benchmark's figures as plain text tables.</summary>
internal sealed class BenchmarkReport(TextWriter output, BenchmarkOptions options, BenchmarkRecipe recipe, BenchmarkData data)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public void Header()
    {
        var train = recipe.Train;
        Line($"recipe {options.Config}: {data.Train.Count:N0} training images, batch {train.BatchSize}, {train.Threads} threads, augmentation {(train.Augmentation.Enabled ? "on" : "off")}; {options.Epochs} epochs per loop, {options.Rounds} round(s)");
        Line($"machine: {Environment.ProcessorCount} cores; load average at start {LoadAverage()}");
        output.WriteLine();
        Line($"training images/s (validation excluded; steady = mean of epochs 2..{options.Epochs}, epoch 1 pays libtorch's set-up)");
        Line($"  {"round",-6} {"ours steady",12} {"ours ep. 1",11} {"plain steady",13} {"plain ep. 1",12} {"ratio",7}");
    }

    public void Round(int round, TrainingMeasurement ours, TrainingMeasurement plain) =>
        Line($"  {round,-6} {ours.SteadyImagesPerSecond,12:N0} {ours.ImagesPerSecond[0],11:N0} {plain.SteadyImagesPerSecond,13:N0} {plain.ImagesPerSecond[0],12:N0} {ours.SteadyImagesPerSecond / plain.SteadyImagesPerSecond,6:F2}x");

    public void Summary(IReadOnlyList<(TrainingMeasurement Ours, TrainingMeasurement Plain)> rounds, EvaluationMeasurement evaluation)
    {
        var ours = rounds.Select(r => r.Ours).ToList();
        var plain = rounds.Select(r => r.Plain).ToList();
        var oursSteady = ours.Average(m => m.SteadyImagesPerSecond);
        var plainSteady = plain.Average(m => m.SteadyImagesPerSecond);
        Line($"  {"mean",-6} {oursSteady,12:N0} {ours.Average(m => m.ImagesPerSecond[0]),11:N0} {plainSteady,13:N0} {plain.Average(m => m.ImagesPerSecond[0]),12:N0} {oursSteady / plainSteady,6:F2}x");
        Line($"  final training loss: ours {ours[^1].TrainLoss[^1]:F4}, plain {plain[^1].TrainLoss[^1]:F4}");
        output.WriteLine();

        var batches = Math.Ceiling(data.Train.Count / (double)recipe.Train.BatchSize);
        Line($"where the time goes (steady epochs, ms per batch of {recipe.Train.BatchSize}, share of the training pass)");
        Line($"  {"phase",-22} {"ours",16} {"plain",16}");
        var oursPhases = SteadyPhases(ours);
        var plainPhases = SteadyPhases(plain);
        (string Name, Func<EpochPhases, double> Seconds)[] rows =
        [
            ("batch + augmentation", p => p.Batch),
            ("forward + loss", p => p.Forward),
            ("backward", p => p.Backward),
            ("optimiser step", p => p.OptimizerStep),
            ("bookkeeping", p => p.Bookkeeping),
        ];
        foreach (var (name, seconds) in rows)
        {
            Line($"  {name,-22} {Share(oursPhases, seconds, batches),16} {Share(plainPhases, seconds, batches),16}");
        }

        Line($"  validation ({data.Validation.Count:N0} images, batch {DigitTrainer.EvalBatchSize}): {oursPhases.Average(p => p.Validation) * 1000:F0} ms per epoch (ours), {data.Validation.Count / oursPhases.Average(p => p.Validation):N0} images/s");
        output.WriteLine();

        Line($"evaluation ({evaluation.Images:N0} test images, batch {evaluation.BatchSize}, {recipe.Train.Threads} threads, weights after {options.Epochs} epochs: accuracy {evaluation.Accuracy:P2})");
        Line($"  first pass in a fresh process (what Evaluate does): {evaluation.FirstPassImagesPerSecond:N0} images/s; later passes: {evaluation.WarmImagesPerSecond:N0} images/s");
        output.WriteLine();
        Line($"peak memory (RSS): ours training {MiB(ours.Max(m => m.PeakMemoryBytes))}, plain training {MiB(plain.Max(m => m.PeakMemoryBytes))}, evaluation {MiB(evaluation.PeakMemoryBytes)}");
        Line($"load average at end {LoadAverage()}");
    }

    private static List<EpochPhases> SteadyPhases(IEnumerable<TrainingMeasurement> runs) => [.. runs.SelectMany(m => m.Phases.Skip(1))];

    private static string Share(IReadOnlyList<EpochPhases> phases, Func<EpochPhases, double> seconds, double batches)
    {
        var phase = phases.Average(seconds);
        var pass = phases.Average(p => p.Batch + p.Forward + p.Backward + p.OptimizerStep + p.Bookkeeping);
        return string.Create(Invariant, $"{phase / batches * 1000:F2} ({phase / pass:P0})");
    }

    private static string MiB(long bytes) => string.Create(Invariant, $"{bytes / (1024.0 * 1024.0):N0} MiB");

    /// <summary>The 1, 5 and 15 minute load averages: other work on the cores distorts the figures.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private void Line(FormattableString text) => output.WriteLine(text.ToString(Invariant));
}
