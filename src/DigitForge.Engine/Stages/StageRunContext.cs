using DigitForge.Engine.Records;
using DigitForge.Engine.Storage;

namespace DigitForge.Engine.Stages;

/// <summary>What a running stage may use: a fresh output folder, its upstreams' committed folders, a log.</summary>
/// <param name="pipelinePicture">The pipeline's graph as SVG, its upstream stages' statuses marked, for pages that show it.</param>
public sealed class StageRunContext(string outputDirectory, IReadOnlyDictionary<string, string> upstreamDirectories, IStageLog log, CancellationToken cancellation, Func<string>? pipelinePicture = null)
{
    /// <summary>An empty folder; everything written here is committed atomically when the stage succeeds.</summary>
    public string OutputDirectory { get; } = outputDirectory;

    public IStageLog Log { get; } = log;

    /// <summary>The pipeline's stage graph as an SVG picture (empty when run outside a pipeline).</summary>
    public string PipelinePicture() => pipelinePicture?.Invoke() ?? string.Empty;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>The upstream stages' names, in the order the stage declared them.</summary>
    public IReadOnlyList<string> Upstreams { get; } = [.. upstreamDirectories.Keys];

    /// <summary>Path of a file the stage declared it reads from an upstream stage.</summary>
    public string UpstreamFile<TStage>(string file) where TStage : IStage => UpstreamFile(StageNames.Of<TStage>(), file);

    /// <summary>Path of a file the stage declared it reads from the upstream stage named <paramref name="stage"/>.</summary>
    public string UpstreamFile(string stage, string file)
    {
        if (!upstreamDirectories.TryGetValue(stage, out var directory))
        {
            throw new InvalidOperationException($"'{stage}' is not a dependency of this stage.");
        }

        return Path.Combine(directory, file);
    }

    /// <summary>
    /// The lock record an upstream stage committed (fingerprint components, resolved config, timing):
    /// what a stage needs to describe where its inputs came from.
    /// </summary>
    public StageRecord UpstreamRecord(string stage) => JsonFile.Read<StageRecord>(UpstreamFile(stage, StageStore.RecordFileName));

    public string OutputFile(string file) => Path.Combine(OutputDirectory, file);
}
