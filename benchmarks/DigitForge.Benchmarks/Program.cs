using System.Text.Json;
using DigitForge.Benchmarks;

// Training and evaluation throughput and peak memory of a recipe, ours against the plain loop,
// each measurement in its own process. Prints figures; it is not a test.
// Time to accuracy: DigitForge.Benchmarks time-to-accuracy --data DIR --goal 0.99 --seeds 42,7 RECIPE.json RECIPE.json
if (args is ["time-to-accuracy", "--data", var accuracyData, "--goal", var goalText, "--seeds", var seedList, .. var recipes] && recipes.Length > 0)
{
    var goal = double.Parse(goalText, System.Globalization.CultureInfo.InvariantCulture);
    var curves = new List<AccuracyCurve>();
    var scratch = Directory.CreateTempSubdirectory("digitforge-tta-");
    try
    {
        foreach (var seed in seedList.Split(','))
        {
            // Recipes alternate within a seed, so both see the same machine.
            foreach (var recipeFile in recipes)
            {
                var curve = ChildProcess.Measure<AccuracyCurve>(["time-to-accuracy-run", accuracyData, recipeFile, seed, scratch.FullName]);
                Console.Error.WriteLine($"{curve.Recipe} seed {curve.Seed}: {curve.TestAccuracy.Length} epochs, {curve.TotalSeconds:F1} s");
                curves.Add(curve);
            }
        }
    }
    finally
    {
        scratch.Delete(recursive: true);
    }

    TimeToAccuracy.Report(Console.Out, curves, goal);
    return 0;
}

if (args is ["time-to-accuracy-run", var runData, var runRecipe, var runSeed, var runWeights])
{
    var curve = TimeToAccuracy.Measure(runRecipe, BenchmarkData.Load(runData), int.Parse(runSeed, System.Globalization.CultureInfo.InvariantCulture), runWeights);
    Console.WriteLine(JsonSerializer.Serialize(curve));
    return 0;
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

var recipe = BenchmarkRecipe.Load(options.Config);
recipe.Train.Epochs = options.Epochs;
recipe.Train.EarlyStopping.Enabled = false; // every loop runs the same number of epochs
if (options.EvalBatch is { } evalBatch)
{
    recipe.Evaluate.BatchSize = evalBatch;
}

var data = BenchmarkData.Load(options.Data);
if (options.Measure is { } kind)
{
    object measurement = kind switch
    {
        "ours" => OurTrainingLoop.Run(recipe, data, options.Weights!),
        "plain" => PlainTrainingLoop.Run(recipe, data),
        "evaluate" => EvaluationRun.Run(recipe, data, Path.Combine(options.Weights!, DigitForge.Training.Loop.DigitTrainer.WeightsFileName)),
        _ => throw new ArgumentException($"unknown measurement '{kind}'"),
    };
    Console.WriteLine(JsonSerializer.Serialize(measurement, measurement.GetType()));
    return 0;
}

var report = new BenchmarkReport(Console.Out, options, recipe, data);
report.Header();
var weights = Directory.CreateTempSubdirectory("digitforge-benchmark-");
try
{
    var rounds = new List<(TrainingMeasurement Ours, TrainingMeasurement Plain)>();
    for (var round = 0; round < options.Rounds; round++)
    {
        // Back to back, so both loops see the same machine.
        var ours = ChildProcess.Measure<TrainingMeasurement>(options.ForChild("ours", weights.FullName));
        var plain = ChildProcess.Measure<TrainingMeasurement>(options.ForChild("plain", weights.FullName));
        rounds.Add((ours, plain));
        report.Round(round + 1, ours, plain);
    }

    var evaluation = ChildProcess.Measure<EvaluationMeasurement>(options.ForChild("evaluate", weights.FullName));
    report.Summary(rounds, evaluation);
}
finally
{
    weights.Delete(recursive: true);
}

return 0;
