using System.CommandLine;
using System.Globalization;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Caching;
using DigitForge.Engine.Config;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Records;
using DigitForge.Engine.Storage;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using Newtonsoft.Json;

namespace DigitForge.Cli.Commands;

/// <summary><c>digitforge cache</c>: the local stage-output cache; <c>cache gc</c> prunes it.</summary>
public static class CacheCommand
{
    public static Command Create()
    {
        var command = new Command("cache", "List the stage outputs kept by fingerprint (the local cache).");
        command.SetAction(result => Guarded.Run(() =>
        {
            var (cache, kept) = Open(result);
            var entries = cache.List();
            foreach (var entry in entries.OrderByDescending(e => e.LastUsedUtc))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ContentHash.Short(entry.Fingerprint)}  {entry.Bytes / 1048576.0,9:0.0} MiB  last used {entry.LastUsedUtc:yyyy-MM-dd HH:mm} UTC{(kept.Contains(entry.Fingerprint) ? "  (needed)" : string.Empty)}"));
            }

            Console.WriteLine($"{cache.Root}: {entries.Count} entries");
            return ExitCodes.Success;
        }));

        var maxAge = new Option<double?>("--max-age-days") { Description = "Remove entries not used for this many days." };
        var maxSize = new Option<double?>("--max-size-mb") { Description = "Then remove the least recently used until the cache is at most this size." };
        var gc = new Command("gc", "Prune the cache by age and size; never removes what this build's stages or the registry's production and candidate models were built from.") { maxAge, maxSize };
        gc.SetAction(result => Guarded.Run(() =>
        {
            var age = result.GetValue(maxAge);
            var size = result.GetValue(maxSize);
            if (age is null && size is null || age < 0 || size < 0)
            {
                throw new ConfigException("cache gc needs --max-age-days and/or --max-size-mb, each 0 or more");
            }

            var (cache, kept) = Open(result);
            var pruned = CachePruning.Select(cache.List(), kept, DateTime.UtcNow, age is { } d ? TimeSpan.FromDays(d) : null, size is { } mb ? (long)(mb * 1048576) : null);
            foreach (var entry in pruned)
            {
                cache.Delete(entry);
            }

            var left = cache.List();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"removed {pruned.Count} entries ({pruned.Sum(e => e.Bytes) / 1048576.0:0.0} MiB); {left.Count} left ({left.Sum(e => e.Bytes) / 1048576.0:0.0} MiB), {left.Count(e => kept.Contains(e.Fingerprint))} of them needed"));
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(gc);
        return command;
    }

    private static (StageCache Cache, HashSet<string> Kept) Open(ParseResult result)
    {
        var paths = CommonOptions.Paths(result);

        // The cache is shared by every pipeline: keep what any of them needs.
        var needed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pipeline in PipelineCatalog.All)
        {
            needed.UnionWith(NeededFingerprints(paths with { Pipeline = pipeline.Name }));
        }

        return (new StageCache(paths.StageCache), needed);
    }

    // What this pipeline's stages hold now, and what its production and candidate models were built from.
    private static HashSet<string> NeededFingerprints(PipelinePaths paths)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal);
        if (Directory.Exists(paths.Stages))
        {
            foreach (var record in Directory.EnumerateFiles(paths.Stages, Engine.Records.StageStore.RecordFileName, SearchOption.AllDirectories))
            {
                needed.Add(JsonFile.Read<Engine.Records.StageRecord>(record).Fingerprint);
            }
        }

        var store = new ModelStore(paths.Models);
        if (!File.Exists(Path.Combine(store.Root, ModelRegistry.DefaultFileName)))
        {
            return needed;
        }

        foreach (var entry in new ModelRegistry(store).List().Where(e => e.Stage is ModelStage.Production or ModelStage.Candidate))
        {
            // Every pipeline's version records the stages that made it under "stages" (Registry's VersionLineage).
            var stages = store.ReadManifest(store.Get(entry.Version)).Details["stages"]?.ToObject<Dictionary<string, StageLineage>>(JsonSerializer.Create(JsonFile.Settings));
            needed.UnionWith(stages?.Values.Select(s => s.Fingerprint) ?? []);
        }

        return needed;
    }
}
