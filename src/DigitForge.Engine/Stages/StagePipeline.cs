using System.Diagnostics;
using DigitForge.Engine.Caching;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Records;
using DigitForge.Engine.Storage;

namespace DigitForge.Engine.Stages;

/// <summary>The outcome of asking a stage to run.</summary>
public sealed record StageRunResult(string Stage, bool Ran, string Fingerprint, TimeSpan Elapsed, bool Restored = false);

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
/// Stages in dependency order over one <see cref="StageStore"/>: decides what is up to date and
/// runs what is not, committing each stage's outputs atomically with its lock record.
/// </summary>
public sealed class StagePipeline
{
    private readonly Dictionary<string, IStage> stages;
    private readonly Fingerprinter fingerprinter;

    private readonly StageCache? cache;

    /// <param name="cache">Where outputs of earlier runs are kept by fingerprint; none: every stale stage runs.</param>
    public StagePipeline(IReadOnlyList<IStage> stages, StageStore store, StageCache? cache = null)
    {
        Stages = stages;
        Store = store;
        this.cache = cache;
        this.stages = stages.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
        fingerprinter = new Fingerprinter(store);
        foreach (var dependency in stages.SelectMany(s => s.Dependencies))
        {
            if (!this.stages.ContainsKey(dependency.Stage))
            {
                throw new ArgumentException($"unknown upstream stage '{dependency.Stage}'", nameof(stages));
            }
        }
    }

    public IReadOnlyList<IStage> Stages { get; }

    public StageStore Store { get; }

    public IStage Find(string name) => stages.TryGetValue(name, out var stage)
        ? stage
        : throw new ArgumentException($"unknown stage '{name}'; stages are: {string.Join(", ", Stages.Select(s => s.Name))}");

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
            var staleUpstream = stage.Dependencies.Select(d => d.Stage).Where(stale.Contains).ToList();
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
            var upstreams = stage.Dependencies.ToDictionary(d => d.Stage, d => Store.DirectoryOf(d.Stage), StringComparer.Ordinal);
            stage.Run(new StageRunContext(scratch, upstreams, log, cancellation));
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
    /// Brings a stale stage up to date from the cache when its fingerprint was built before (here, or
    /// on the remote); true when it did. What the build asks before deciding to run a stage.
    /// </summary>
    public bool TryRestore(string name, IStageLog log)
    {
        var stage = Find(name);
        using var buildLock = BuildLock.Acquire(Store.Root, TimeSpan.FromMinutes(30), log.Warning);
        Store.CleanStaging(log.Warning);
        var status = Status(stage.Name);
        return !status.UpToDate && status.Fingerprint is not null && Restore(stage, status.Fingerprint, log);
    }

    // Runs under the build lock.
    private bool Restore(IStage stage, string fingerprint, IStageLog log)
    {
        if (cache is null || !stage.Cacheable)
        {
            return false;
        }

        var staging = Store.CreateStaging(stage.Name);
        try
        {
            if (cache.TryRestore(stage.Name, fingerprint, staging, log.Warning) is not { } record)
            {
                StageStore.Discard(staging);
                return false;
            }

            Store.Commit(staging, record);
            log.Info($"restored from cache ({ContentHash.Short(fingerprint)}, built {record.StartedAt:yyyy-MM-dd HH:mm} in {record.Seconds:0.0} s)");
            return true;
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
            log.Info($"up to date ({status.ShortFingerprint})");
            return new StageRunResult(stage.Name, false, status.Fingerprint, watch.Elapsed);
        }

        if (!force && Restore(stage, status.Fingerprint, log))
        {
            return new StageRunResult(stage.Name, false, status.Fingerprint, watch.Elapsed, Restored: true);
        }

        log.Info(force ? $"forced run ({status.ShortFingerprint})" : $"running ({status.ShortFingerprint}): {string.Join("; ", status.Reasons)}");
        var inputs = stage.DescribeInputs();
        var components = fingerprinter.Compute(stage, inputs, out _)!;
        var started = DateTimeOffset.UtcNow;
        var staging = Store.CreateStaging(stage.Name);
        try
        {
            var upstreams = stage.Dependencies.ToDictionary(d => d.Stage, d => Store.DirectoryOf(d.Stage), StringComparer.Ordinal);
            stage.Run(new StageRunContext(staging, upstreams, log, cancellation));
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
            return new StageRunResult(stage.Name, true, record.Fingerprint, watch.Elapsed);
        }
        catch
        {
            StageStore.Discard(staging);
            throw;
        }
    }
}
