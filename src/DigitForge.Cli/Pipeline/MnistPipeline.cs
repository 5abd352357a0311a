using DigitForge.Data.Sources;
using DigitForge.Engine.Caching;
using DigitForge.Data.Stages;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using DigitForge.Evaluation.Stages;
using DigitForge.Reporting.Stages;
using DigitForge.Storage;
using DigitForge.Training.Stages;

namespace DigitForge.Cli.Pipeline;

/// <summary>The MNIST pipeline: Ingest, Preprocess, Train, Evaluate, Promote, Report over one artifacts folder.</summary>
public static class MnistPipeline
{
    /// <param name="forcePromotion">Promote even when the quality gate rejects (recorded as an override).</param>
    /// <param name="useStageCache">Restore stale stages from the stage cache and keep new outputs there.</param>
    public static StagePipeline Create(PipelineConfig config, PipelinePaths paths, bool forcePromotion = false, bool useStageCache = true)
    {
        var ingest = new IngestStage(config.Data!, new SourceResolver(paths.Root, new DownloadCache(paths.DownloadCache)));
        IStage[] stages =
        [
            ingest,
            new PreprocessStage(config.Preprocess, ingest.HasOfficialTest),
            new TrainStage(config.Model, config.Train),
            new EvaluateStage(config.Evaluate, config.Train.Threads),
            new PromoteStage(config.Promote, paths.Models, config.Train.Threads, forcePromotion),
            new ReportStage(paths.Reports),
        ];
        var cache = useStageCache ? new StageCache(paths.StageCache, RemoteCacheSettings.FromEnvironment()) : null;
        return new StagePipeline(stages, new StageStore(paths.Stages), cache);
    }
}
