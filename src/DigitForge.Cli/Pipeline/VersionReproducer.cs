using DigitForge.Engine.Config;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Evaluation.Packaging;
using DigitForge.Registry.Store;
using Newtonsoft.Json;

namespace DigitForge.Cli.Pipeline;

/// <summary>What re-training a model version's recipe gave, against what its manifest recorded.</summary>
/// <param name="Differences">Files whose re-run hash is not the recorded one; none: reproduced.</param>
/// <param name="ChangedSinceRecorded">What went into the re-run that is not what went into the recorded
/// run (code, config, data, environment): where a difference would come from.</param>
public sealed record VersionReproduction(
    string Version,
    IReadOnlyList<string> Compared,
    IReadOnlyList<string> Differences,
    IReadOnlyList<string> ChangedSinceRecorded)
{
    public bool Reproduced => Differences.Count == 0;
}

/// <summary>
/// Re-trains and re-evaluates a registered model version from the recipe its manifest recorded, in a
/// scratch folder and without the stage cache (a cache hit would prove nothing), and compares the
/// weights and test metrics with the manifest's hashes.
/// </summary>
public static class VersionReproducer
{
    /// <summary>The stages that make a version's weights and metrics.</summary>
    private static readonly string[] Stages = ["Ingest", "Preprocess", "Train", "Evaluate"];

    /// <summary>The version's files a re-run must give byte for byte (the others hold timings), by the stage that makes them.</summary>
    private static readonly (string Stage, string File)[] Reproducible =
        [("Train", "model.weights"), ("Train", "model.json"), ("Evaluate", "metrics.json"), ("Evaluate", "metrics.txt")];

    public static VersionReproduction Run(
        ModelVersion version,
        ModelManifest manifest,
        PipelinePaths paths,
        Func<string, IStageLog> logFor,
        CancellationToken cancellation = default)
    {
        var lineage = manifest.Details.ToObject<ModelLineage>(JsonSerializer.Create(JsonFile.Settings));
        if (lineage?.Config is null || lineage.Stages is null)
        {
            throw new StageException($"{version.ManifestPath}: no recorded recipe (details.config and details.stages), so {version.Name} cannot be re-trained from it");
        }

        var config = ConfigLoader<PipelineConfig>.Bind(lineage.Config, $"{version.ManifestPath} (details.config)");
        var scratch = Path.Combine(Path.GetTempPath(), $"digitforge-verify-{version.Name}-{Guid.NewGuid():N}");
        try
        {
            var pipeline = MnistPipeline.Create(config, paths with { Artifacts = scratch }, useStageCache: false);
            foreach (var stage in Stages)
            {
                pipeline.Run(stage, force: false, logFor(stage), cancellation);
            }

            var records = Stages.ToDictionary(stage => stage, stage => pipeline.Store.TryRead(stage, out _)
                ?? throw new StageException($"{stage} ran in {scratch} but left no record"));
            var changed = Stages
                .SelectMany(stage => StaleReasons.Between(Recorded(stage, lineage), records[stage].Components, null).Select(reason => (Stage: stage, Reason: reason)))
                .GroupBy(change => change.Reason, StringComparer.Ordinal)
                .Select(same => $"{same.Key} ({string.Join(", ", same.Select(change => change.Stage))})")
                .ToList();
            var differences = Reproducible
                .Select(output => VerifyResult.Difference(output.File, manifest.Files.GetValueOrDefault(output.File), records[output.Stage].Outputs.GetValueOrDefault(output.File)))
                .OfType<string>()
                .ToList();
            return new VersionReproduction(version.Name, [.. Reproducible.Select(output => output.File)], differences, changed);
        }
        finally
        {
            Folders.DeleteQuietly(scratch);
        }
    }

    /// <summary>A stage's lineage entry as the record it was copied from (outputs aside); empty when the lineage lacks the stage.</summary>
    private static StageRecord Recorded(string stage, ModelLineage lineage) => new()
    {
        Stage = stage,
        Components = lineage.Stages.TryGetValue(stage, out var entry) ? entry.ToComponents() : new FingerprintComponents(),
    };
}
