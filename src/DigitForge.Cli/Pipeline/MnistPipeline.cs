using DigitForge.Data.Sources;
using DigitForge.Data.Stages;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using DigitForge.Evaluation.Stages;
using DigitForge.Training.Stages;

namespace DigitForge.Cli.Pipeline;

/// <summary>The MNIST pipeline: Ingest, Preprocess, Train, Evaluate over one artifacts folder.</summary>
public static class MnistPipeline
{
    public static StagePipeline Create(PipelineConfig config, PipelinePaths paths)
    {
        var ingest = new IngestStage(config.Data!, new SourceResolver(paths.Root, new DownloadCache(paths.DownloadCache)));
        IStage[] stages =
        [
            ingest,
            new PreprocessStage(config.Preprocess, ingest.HasOfficialTest),
            new TrainStage(config.Model, config.Train),
            new EvaluateStage(config.Evaluate, config.Train.Threads),
            new PromoteStage(config.Promote, paths.Models),
        ];
        return new StagePipeline(stages, new StageStore(paths.Stages));
    }
}
