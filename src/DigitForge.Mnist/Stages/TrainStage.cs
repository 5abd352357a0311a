using DigitForge.Data;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Engine.Sweeps;
using DigitForge.Training;
using DigitForge.Training.Model;
using DigitForge.Training.Loop;

namespace DigitForge.Mnist.Stages;

/// <summary>Train: fits the CNN on the training split, keeping the best epoch by validation accuracy or loss (<see cref="TrainConfig.KeepBestBy"/>).</summary>
public sealed class TrainStage(ModelConfig model, TrainConfig train) : IStage
{
    public const string HistoryFile = "history.json";
    public const string SummaryFile = "training.json";


    public string Description => "Trains the CNN with TorchSharp, keeping the best epoch by validation accuracy or loss.";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        StageDependency.On<PreprocessStage>([.. DatasetFiles.Pair(DatasetFiles.Train), .. DatasetFiles.Pair(DatasetFiles.Validation), PreprocessStage.NormalizationFile]),
    ];

    /// <summary>Timings differ run to run; the weights and model.json must not.</summary>
    public IReadOnlyList<string> VolatileOutputs => [HistoryFile, SummaryFile];

    public StageInputs DescribeInputs() => new(
        new { model, train },
        new Dictionary<string, string>(),
        MlEnvironment.Facts(train.Kernels));

    public void Run(StageRunContext context)
    {
        var normalization = JsonFile.Read<NormalizationStats>(context.UpstreamFile<PreprocessStage>(PreprocessStage.NormalizationFile));
        var trainSet = DatasetFiles.LoadUpstream<PreprocessStage>(context, DatasetFiles.Train);
        if (CpuContention.OtherProcessesCores(TimeSpan.FromMilliseconds(250)) is { } others
            && CpuContention.Warning(others, Environment.ProcessorCount, train.Threads) is { } warning)
        {
            context.Log.Warning(warning);
        }

        // In a sweep, each epoch's figure goes to its pruning board, judged in the sense the kept epoch is picked by.
        var board = TrialBoard.FromEnvironment();
        var byLoss = train.KeepBestBy == KeepBestBy.ValidationLoss;
        var result = DigitTrainer.Train(
            model,
            train,
            trainSet,
            DatasetFiles.LoadUpstream<PreprocessStage>(context, DatasetFiles.Validation),
            normalization,
            context.OutputDirectory,
            context.Log.Info,
            context.Cancellation,
            p => context.Log.Progress(p.Fraction, p.ToString()),
            epochDone: board is null ? null : e => board.Report(e.Epoch, train.Epochs, byLoss ? e.ValLoss : e.ValAccuracy, higherIsBetter: !byLoss));

        JsonFile.Write(context.OutputFile(TrainedModel.FileName), new TrainedModel(
            model, normalization, [1, trainSet.Rows, trainSet.Columns], [.. Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
        JsonFile.Write(context.OutputFile(HistoryFile), result.History);
        JsonFile.Write(context.OutputFile(SummaryFile), new
        {
            result.BestEpoch,
            result.BestValAccuracy,
            result.EpochsRun,
            result.StoppedEarly,
            result.TotalSeconds,
            result.TrainableParameters,
            trainImages = trainSet.Count,
            meanImagesPerSecond = result.History.Average(e => e.TrainImagesPerSecond),
        });
    }
}
