using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Registry.Store;
using Newtonsoft.Json;

namespace DigitForge.Cli.Pipelines;

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
    public static VersionReproduction Run(
        IPipelineDefinition definition,
        ModelVersion version,
        ModelManifest manifest,
        PipelinePaths paths,
        Func<string, IStageLog> logFor,
        CancellationToken cancellation = default)
    {
        var lineage = manifest.Details.ToObject<VersionLineage>(JsonSerializer.Create(JsonFile.Settings));
        if (lineage?.Config is null || lineage.Stages is null)
        {
            throw new StageException($"{version.ManifestPath}: no recorded recipe (details.config and details.stages), so {version.Name} cannot be re-trained from it");
        }

        var publishing = definition.PublishingStage
            ?? throw new StageException($"pipeline {definition.Name} registers no models, so {version.Name} cannot be re-trained");
        var scratch = Path.Combine(Path.GetTempPath(), $"digitforge-verify-{version.Name}-{Guid.NewGuid():N}");
        try
        {
            var graph = definition.Create(lineage.Config, $"{version.ManifestPath} (details.config)", paths with { Artifacts = scratch }, new BuildOptions());

            // The stages that make a version: everything its publishing stage reads from, directly or not.
            var stages = graph.Closure(StageNames.Of(publishing)).SkipLast(1).ToList();
            foreach (var stage in stages)
            {
                graph.Run(stage.Name, force: false, logFor(stage.Name), cancellation);
            }

            var records = stages.ToDictionary(stage => stage.Name, stage => graph.Store.TryRead(stage.Name, out _)
                ?? throw new StageException($"{stage.Name} ran in {scratch} but left no record"));
            var changed = stages
                .SelectMany(stage => StaleReasons.Between(Recorded(stage.Name, lineage), records[stage.Name].Components, null).Select(reason => (Stage: stage.Name, Reason: reason)))
                .GroupBy(change => change.Reason, StringComparer.Ordinal)
                .Select(same => $"{same.Key} ({string.Join(", ", same.Select(change => change.Stage))})")
                .ToList();

            // The version's files a re-run must give byte for byte: the stage outputs it keeps, timings aside.
            var reproducible = stages
                .SelectMany(stage => records[stage.Name].Outputs.Keys.Except(stage.VolatileOutputs).Where(manifest.Files.ContainsKey).Select(file => (Stage: stage.Name, File: file)))
                .ToList();
            var differences = reproducible
                .Select(output => VerifyResult.Difference(output.File, manifest.Files.GetValueOrDefault(output.File), records[output.Stage].Outputs.GetValueOrDefault(output.File)))
                .OfType<string>()
                .ToList();
            return new VersionReproduction(version.Name, [.. reproducible.Select(output => output.File)], differences, changed);
        }
        finally
        {
            Folders.DeleteQuietly(scratch);
        }
    }

    /// <summary>A stage's lineage entry as the record it was copied from (outputs aside); empty when the lineage lacks the stage.</summary>
    private static StageRecord Recorded(string stage, VersionLineage lineage) => new()
    {
        Stage = stage,
        Components = lineage.Stages!.TryGetValue(stage, out var entry) ? entry.ToComponents() : new FingerprintComponents(),
    };
}
