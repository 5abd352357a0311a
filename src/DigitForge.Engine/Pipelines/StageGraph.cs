using System.Diagnostics;
using DigitForge.Engine.Caching;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;

namespace DigitForge.Engine.Pipelines;

/// <summary>The outcome of asking a stage to run.</summary>
/// <param name="Why">Why it ran (its stale reasons, or forced), or how it was up to date or restored.</param>
public sealed record StageRunResult(string Stage, bool Ran, string Fingerprint, TimeSpan Elapsed, bool Restored = false, string Why = "");

/// <summary>The outcome of re-running a stage in a scratch folder against its recorded outputs.</summary>
public sealed record VerifyResult(string Stage, string Fingerprint, IReadOnlyList<string> Compared, IReadOnlyList<string> Differences)
{
    public bool Reproduced => Differences.Count == 0;

    /// <summary>How verify words an output whose re-run hash is not the recorded one; null when they match.</summary>
    public static string? Difference(string file, string? recorded, string? rerun) =>
        recorded == rerun ? null : $"{file}: recorded {Short(recorded)}, re-run {Short(rerun)}";

    private static string Short(string? hash) => hash is null ? "absent" : ContentHash.Short(hash);
}

/// <summary>
/// One pipeline's stages in dependency order over one <see cref="StageStore"/>: decides what is up
/// to date and runs what is not, committing each stage's outputs atomically with its lock record.
/// </summary>
public sealed class StageGraph
{
    private readonly Dictionary<string, IStage> stages;
    private readonly Fingerprinter fingerprinter;

    private readonly StageCache? cache;

    /// <param name="pipeline">The pipeline's name, part of every fingerprint so a shared cache never mixes pipelines.</param>
    /// <param name="stages">In any order; a dependency on a stage that is not here, or a cycle, is refused with its names.</param>
    /// <param name="cache">Where outputs of earlier runs are kept by fingerprint; none: every stale stage runs.</param>
    public StageGraph(string pipeline, IReadOnlyList<IStage> stages, StageStore store, StageCache? cache = null)
    {
        Pipeline = pipeline;
        Store = store;
        this.cache = cache;
        this.stages = new Dictionary<string, IStage>(StringComparer.OrdinalIgnoreCase);
        foreach (var stage in stages)
        {
            if (!this.stages.TryAdd(stage.Name, stage))
            {
                throw new PipelineDefinitionException($"pipeline {pipeline}: two stages are named {stage.Name}");
            }
        }

        foreach (var stage in stages)
        {
            foreach (var dependency in stage.Dependencies.Where(d => !this.stages.ContainsKey(d.StageName)))
            {
                throw new PipelineDefinitionException(
                    $"pipeline {pipeline}: {stage.Name} depends on {dependency.StageName}, which is not one of its stages ({string.Join(", ", stages.Select(s => s.Name))})");
            }
        }

        Stages = Order(pipeline, stages);
        fingerprinter = new Fingerprinter(store, pipeline);
    }

    public string Pipeline { get; }

    public IReadOnlyList<IStage> Stages { get; }

    /// <summary>What a build without a target builds: the last stage, which needs all the others.</summary>
    public string DefaultTarget => Stages[^1].Name;

    public StageStore Store { get; }

    public IStage Find(string name) => stages.TryGetValue(name, out var stage)
        ? stage
        : throw new ArgumentException($"unknown stage '{name}' in pipeline {Pipeline}; stages are: {string.Join(", ", Stages.Select(s => s.Name))}");

    public IStage Find(Type stage) => Find(StageNames.Of(stage));

    /// <summary>The stage's direct upstreams, each once (a stage may declare two sets of files of one upstream), in the order it first declared them.</summary>
    public IReadOnlyList<IStage> Upstreams(string name) => [.. Find(name).Dependencies.Select(d => d.StageName).Distinct(StringComparer.Ordinal).Select(Find)];

    /// <summary>Every stage <paramref name="name"/> depends on, directly or not, plus itself, in build order.</summary>
    public IReadOnlyList<IStage> Closure(string name)
    {
        var needed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<IStage>([Find(name)]);
        while (pending.TryPop(out var stage))
        {
            if (needed.Add(stage.Name))
            {
                foreach (var upstream in Upstreams(stage.Name))
                {
                    pending.Push(upstream);
                }
            }
        }

        return [.. Stages.Where(s => needed.Contains(s.Name))];
    }

    // What a running stage may show of its pipeline: everything upstream of it is final, so their statuses are too.
    private string Picture(string running) =>
        GraphText.Svg(this, Closure(running).SkipLast(1).Select(s => Status(s.Name)).ToDictionary(s => s.Stage, StringComparer.OrdinalIgnoreCase));

    // Kahn's algorithm, keeping the declared order among stages that are free to go; what is left is a cycle.
    private static IReadOnlyList<IStage> Order(string pipeline, IReadOnlyList<IStage> stages)
    {
        var ordered = new List<IStage>();
        var placed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var remaining = stages.ToList();
        while (remaining.Count > 0)
        {
            var next = remaining.FirstOrDefault(s => s.Dependencies.All(d => placed.Contains(d.StageName)))
                ?? throw new PipelineDefinitionException($"pipeline {pipeline}: the stages depend on each other in a cycle: {Cycle(remaining)}");
            ordered.Add(next);
            placed.Add(next.Name);
            remaining.Remove(next);
        }

        return ordered;
    }

    // Follows first unplaced dependencies from any stuck stage until one repeats: that loop is the cycle.
    private static string Cycle(IReadOnlyList<IStage> stuck)
    {
        var byName = stuck.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
        var path = new List<string>();
        var current = stuck[0];
        while (!path.Contains(current.Name, StringComparer.OrdinalIgnoreCase))
        {
            path.Add(current.Name);
            current = byName[current.Dependencies.First(d => byName.ContainsKey(d.StageName)).StageName];
        }

        return string.Join(" -> ", path.Skip(path.FindIndex(n => n.Equals(current.Name, StringComparison.OrdinalIgnoreCase))).Append(current.Name));
    }

    /// <summary>Status of one stage against its upstreams' outputs as they are now.</summary>
    public StageStatus Status(string name)
    {
        var stage = Find(name);
        var inputs = stage.DescribeInputs();
        var components = fingerprinter.Compute(stage, inputs, out var problem);
        if (components is null)
        {
            return new StageStatus(stage.Name, false, null, [problem!]);
        }

        var fingerprint = Fingerprinter.FingerprintOf(components);
        var record = Store.TryRead(stage.Name, out var recordProblem);
        if (record is null)
        {
            return new StageStatus(stage.Name, false, fingerprint, [recordProblem!]);
        }

        var reasons = record.Fingerprint == fingerprint
            ? []
            : StaleReasons.Between(record, components, CanonicalJson.ToToken(inputs.Config));
        if (record.Fingerprint != fingerprint && reasons.Count == 0)
        {
            reasons.Add("fingerprint changed");
        }

        reasons.AddRange(Store.VerifyOutputs(record));
        if (reasons.Count == 0 && stage.MissingEffect(Store.DirectoryOf(stage.Name)) is { } missing)
        {
            reasons.Add(missing);
        }

        return new StageStatus(stage.Name, reasons.Count == 0, fingerprint, reasons);
    }

    /// <summary>
    /// Status of every stage without running anything: a stage downstream of a stale one is
    /// reported as waiting on it, since its inputs are not final yet.
    /// </summary>
    public IReadOnlyList<StageStatus> StatusAll()
    {
        var statuses = new List<StageStatus>();
        var stale = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var stage in Stages)
        {
            var staleUpstream = stage.Dependencies.Select(d => d.StageName).Where(stale.Contains).ToList();
            var status = Status(stage.Name);
            if (staleUpstream.Count > 0)
            {
                status = status with
                {
                    UpToDate = false,
                    Reasons = [$"upstream {string.Join(", ", staleUpstream)} will re-run", .. status.UpToDate ? [] : status.Reasons],
                };
            }

            if (!status.UpToDate)
            {
                stale.Add(stage.Name);
            }

            statuses.Add(status);
        }

        return statuses;
    }

    /// <summary>
    /// Re-runs an up-to-date stage into a scratch folder and compares every non-volatile output
    /// with the recorded hash; the committed outputs are left untouched.
    /// </summary>
    public VerifyResult Verify(string name, IStageLog log, CancellationToken cancellation = default)
    {
        var stage = Find(name);
        using var buildLock = BuildLock.Acquire(Store.Root, TimeSpan.FromMinutes(30), log.Warning);
        var status = Status(stage.Name);
        if (!status.UpToDate)
        {
            throw new StageException($"{stage.Name} is not up to date ({string.Join("; ", status.Reasons)}); build it before verifying it");
        }

        var record = Store.TryRead(stage.Name, out _)!;
        var scratch = Store.CreateStaging(stage.Name + "-verify");
        try
        {
            log.Info($"re-running into {scratch} to compare with {ContentHash.Short(record.Fingerprint)}");
            var upstreams = Upstreams(stage.Name).ToDictionary(s => s.Name, s => Store.DirectoryOf(s.Name), StringComparer.Ordinal);
            stage.Run(new StageRunContext(scratch, upstreams, log, cancellation, () => Picture(stage.Name)));
            var produced = StageStore.HashOutputs(scratch);
            var compared = record.Outputs.Keys.Union(produced.Keys).Except(stage.VolatileOutputs).Order(StringComparer.Ordinal).ToList();
            var differences = compared
                .Select(file => VerifyResult.Difference(file, record.Outputs.GetValueOrDefault(file), produced.GetValueOrDefault(file)))
                .OfType<string>()
                .ToList();
            return new VerifyResult(stage.Name, record.Fingerprint, compared, differences);
        }
        finally
        {
            StageStore.Discard(scratch);
        }
    }

    /// <summary>
    /// A stage's status after bringing it up to date from the cache when it was stale and its
    /// fingerprint was built before (here, or on the remote; then <see cref="StageStatus.Restored"/>
    /// says how). What the build asks before deciding to run a stage.
    /// </summary>
    public StageStatus StatusRestoring(string name, IStageLog log)
    {
        var stage = Find(name);
        using var buildLock = BuildLock.Acquire(Store.Root, TimeSpan.FromMinutes(30), log.Warning);
        Store.CleanStaging(log.Warning);
        var status = Status(stage.Name);
        return !status.UpToDate && status.Fingerprint is not null && Restore(stage, status.Fingerprint, log) is { } restored
            ? Status(stage.Name) with { Restored = restored }
            : status;
    }

    // Runs under the build lock; says how it restored, or null when it could not.
    private string? Restore(IStage stage, string fingerprint, IStageLog log)
    {
        if (cache is null || !stage.Cacheable)
        {
            return null;
        }

        var staging = Store.CreateStaging(stage.Name);
        try
        {
            if (cache.TryRestore(stage.Name, fingerprint, staging, log.Warning) is not { } record)
            {
                StageStore.Discard(staging);
                return null;
            }

            Store.Commit(staging, record);
            var restored = $"restored from cache ({ContentHash.Short(fingerprint)}, built {record.StartedAt:yyyy-MM-dd HH:mm} in {record.Seconds:0.0} s)";
            log.Info(restored);
            return restored;
        }
        catch
        {
            StageStore.Discard(staging);
            throw;
        }
    }

    // The run succeeded whatever happens here: a cache that cannot be written costs reuse, not the build.
    private void KeepInCache(IStage stage, StageRecord record, IStageLog log)
    {
        if (cache is null || !stage.Cacheable)
        {
            return;
        }

        try
        {
            cache.CleanTemporaries();
            cache.Store(Store.DirectoryOf(stage.Name), record, log.Warning);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            log.Warning($"could not keep {stage.Name} in the cache {cache.Root}: {ex.Message}");
        }
    }

    /// <summary>Runs the stage unless it is up to date (or <paramref name="force"/>); its upstreams must have run.</summary>
    public StageRunResult Run(string name, bool force, IStageLog log, CancellationToken cancellation = default)
    {
        var stage = Find(name);
        using var buildLock = BuildLock.Acquire(Store.Root, TimeSpan.FromMinutes(30), log.Warning);
        Store.CleanStaging(log.Warning);

        var watch = Stopwatch.StartNew();
        var status = Status(stage.Name);
        if (status.Fingerprint is null)
        {
            throw new StageException($"{stage.Name} cannot run: {string.Join("; ", status.Reasons)}");
        }

        if (status.UpToDate && !force)
        {
            log.Info(status.Describe());
            return new StageRunResult(stage.Name, false, status.Fingerprint, watch.Elapsed, Why: status.Describe());
        }

        if (!force && Restore(stage, status.Fingerprint, log) is { } restored)
        {
            return new StageRunResult(stage.Name, false, status.Fingerprint, watch.Elapsed, Restored: true, Why: restored);
        }

        var why = force ? "forced run" : string.Join("; ", status.Reasons);
        log.Info($"{(force ? "forced run" : "running")} ({status.ShortFingerprint}){(force ? string.Empty : ": " + why)}");
        var inputs = stage.DescribeInputs();
        var components = fingerprinter.Compute(stage, inputs, out _)!;
        var started = DateTimeOffset.UtcNow;
        var staging = Store.CreateStaging(stage.Name);
        try
        {
            var upstreams = Upstreams(stage.Name).ToDictionary(s => s.Name, s => Store.DirectoryOf(s.Name), StringComparer.Ordinal);
            stage.Run(new StageRunContext(staging, upstreams, log, cancellation, () => Picture(stage.Name)));
            var record = new StageRecord
            {
                Stage = stage.Name,
                Fingerprint = Fingerprinter.FingerprintOf(components),
                Components = components,
                Config = CanonicalJson.ToToken(inputs.Config),
                Outputs = StageStore.HashOutputs(staging),
                StartedAt = started,
                Seconds = Math.Round(watch.Elapsed.TotalSeconds, 3),
            };
            Store.Commit(staging, record);
            log.Info($"done in {watch.Elapsed.TotalSeconds:0.0} s ({ContentHash.Short(record.Fingerprint)})");
            KeepInCache(stage, record, log);
            return new StageRunResult(stage.Name, true, record.Fingerprint, watch.Elapsed, Why: why);
        }
        catch
        {
            StageStore.Discard(staging);
            throw;
        }
    }
}
