using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Evaluation;
using DigitForge.Evaluation.Metrics;
using DigitForge.Evaluation.Robustness;
using DigitForge.Training;
using DigitForge.Training.Model;
using DigitForge.Training.Loop;

namespace DigitForge.Mnist.Stages;

/// <summary>Evaluate: the trained model on the held-out test split, written as JSON and text, plus its per-image logits and predictions.</summary>
public sealed class EvaluateStage(EvaluateConfig config, TorchNumerics numerics) : IStage
{
    public const string MetricsFile = ReportWriter.FileName;
    public const string TextFile = "metrics.txt";


    public string Description => "Scores the test split: accuracy, per-digit recall, calibration, every logit and prediction, and accuracy under realistic shifts.";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        StageDependency.On<PreprocessStage>([.. DatasetFiles.Pair(DatasetFiles.Test)]),
        StageDependency.On<TrainStage>([DigitTrainer.WeightsFileName, TrainedModel.FileName]),
    ];

    public StageInputs DescribeInputs() => new(
        new { evaluate = config, train = new { numerics.Threads, numerics.Kernels } },
        new Dictionary<string, string>(),
        MlEnvironment.Facts(numerics.Kernels));

    public void Run(StageRunContext context)
    {
        var test = DatasetFiles.LoadUpstream<PreprocessStage>(context, DatasetFiles.Test);
        var model = JsonFile.Read<TrainedModel>(context.UpstreamFile<TrainStage>(TrainedModel.FileName));
        using var predictor = DigitPredictor.Load(context.UpstreamFile<TrainStage>(DigitTrainer.WeightsFileName), model.Model, numerics);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var logits = predictor.Logits(test, model.Normalization, config.BatchSize);
        context.Log.Info($"scored {test.Count} images in {clock.Elapsed.TotalSeconds:0.000} s ({test.Count / clock.Elapsed.TotalSeconds:0} images/s)");
        var report = ClassificationMetrics.Compute(logits, test.Labels, model.Labels.Length, config.WorstExamples);
        if (config.Robustness.Enabled)
        {
            clock.Restart();
            var robustness = RobustnessEvaluator.Measure(test, config.Robustness.Seed, shifted => predictor.Logits(shifted, model.Normalization, config.BatchSize));
            report = report with { Robustness = robustness };
            context.Log.Info($"robustness: {robustness.Shifts.Count} shifts of {test.Count} images in {clock.Elapsed.TotalSeconds:0.000} s; "
                + string.Join(", ", robustness.Shifts.Select(s => $"{s.Name} {s.Accuracy:P2}")) + $"; worst {robustness.Worst.Name}");
        }

        ReportWriter.Write(context.OutputFile(MetricsFile), report);
        ReportWriter.WriteText(context.OutputFile(TextFile), report);
        TestPredictions.WriteLogits(context.OutputFile(TestPredictions.LogitsFile), logits);
        TestPredictions.WriteCsv(context.OutputFile(TestPredictions.CsvFile), logits, test.Labels, model.Labels.Length);
        context.Log.Info($"test accuracy {report.Accuracy:P2} on {report.Count} images, loss {report.Loss:0.0000}");
    }
}
