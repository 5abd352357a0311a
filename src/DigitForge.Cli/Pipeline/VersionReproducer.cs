using DigitForge.Engine.Config;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

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
        if (manifest.Details["config"] is not JObject recipe || manifest.Details["stages"] is not JObject lineage)
        {
            throw new StageException($"{version.ManifestPath}: no recorded recipe (details.config and details.stages), so {version.Name} cannot be re-trained from it");
        }

        var config = ConfigLoader<PipelineConfig>.Bind(recipe, $"{version.ManifestPath} (details.config)");
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
                .Where(output => manifest.Files.GetValueOrDefault(output.File) != records[output.Stage].Outputs.GetValueOrDefault(output.File))
                .Select(output => $"{output.File}: recorded {Short(manifest.Files.GetValueOrDefault(output.File))}, re-run {Short(records[output.Stage].Outputs.GetValueOrDefault(output.File))}")
                .ToList();
            return new VersionReproduction(version.Name, [.. Reproducible.Select(output => output.File)], differences, changed);
        }
        finally
        {
            Folders.DeleteQuietly(scratch);
        }
    }

    /// <summary>A stage's lineage entry as the record it was copied from (outputs aside).</summary>
    private static StageRecord Recorded(string stage, JObject lineage)
    {
        var entry = lineage[stage] as JObject ?? [];
        return new StageRecord
        {
            Stage = stage,
            Fingerprint = (string?)entry["fingerprint"] ?? string.Empty,
            Components = new FingerprintComponents
            {
                Code = Hashes(entry["code"]),
                Config = (string?)entry["configSha256"] ?? string.Empty,
                Inputs = Hashes(entry["inputs"]),
                Files = Hashes(entry["files"]),
                Environment = Hashes(entry["environment"]),
            },
        };
    }

    private static SortedDictionary<string, string> Hashes(JToken? token) =>
        new(token?.ToObject<Dictionary<string, string>>() ?? [], StringComparer.Ordinal);

    private static string Short(string? hash) => hash is null ? "absent" : ContentHash.Short(hash);
}
