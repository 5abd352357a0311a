using Newtonsoft.Json;

namespace DigitForge.Engine.History;

/// <summary>How a stage came to be up to date in a run.</summary>
public enum StageOutcome
{
    /// <summary>It ran.</summary>
    Ran,

    /// <summary>Up to date: nothing ran.</summary>
    Skipped,

    /// <summary>Its outputs came from the stage cache (an earlier build of the same fingerprint).</summary>
    Restored,
}

/// <summary>One stage's part in a run.</summary>
/// <param name="Why">Why it ran (the stale reasons, or forced), or how it was up to date or restored.</param>
public sealed record StageEvent(string Stage, string Fingerprint, StageOutcome Outcome, string Why, double Seconds);

/// <summary>The commit the build ran on, and whether the work tree had changes (tracked or untracked files not ignored).</summary>
public sealed record GitState(string Commit, bool Dirty);

/// <summary>
/// One line of the history file: what one CLI process of a run recorded. A build is several
/// processes (the graph check, one per stage, the summary), so a run is the lines sharing its id;
/// <see cref="RunRecord.Assemble"/> puts them together.
/// </summary>
public sealed record RunLine
{
    public const int CurrentSchema = 1;

    public int Schema { get; init; } = CurrentSchema;

    public required string Run { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>What wrote the line: graph (the lock holder opening a build's run), status, run, or summary (the lock holder closing it).</summary>
    public required string Process { get; init; }

    /// <summary>The line opening the run (the build's first call, or a direct <c>digitforge run</c>).</summary>
    public bool Start { get; init; }

    /// <summary>The line closing the run (the end of a successful build, or a direct <c>digitforge run</c>).</summary>
    public bool Finish { get; init; }

    public required string User { get; init; }

    public required string Host { get; init; }

    /// <summary>On the start line only; null also when there is no git or no repository.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Include)]
    public GitState? Git { get; init; }

    public required string Pipeline { get; init; }

    /// <summary>The build's target, or the stage a direct run ran.</summary>
    public string? Target { get; init; }

    /// <summary>The recipe file, relative to the repository when inside it.</summary>
    public required string Config { get; init; }

    /// <summary>The <c>--set</c> values as given.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>SHA-256 of the resolved config's canonical JSON; the config itself is kept once per hash beside the history.</summary>
    public required string ConfigHash { get; init; }

    public IReadOnlyList<StageEvent> Stages { get; init; } = [];

    /// <summary>The pipeline's headline metrics, on the finish line, when the run includes the stage that measures them.</summary>
    public IReadOnlyDictionary<string, double>? Metrics { get; init; }

    /// <summary>The sweep the run belongs to (<c>DIGITFORGE_SWEEP</c>); null outside one.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
    public string? Sweep { get; init; }

    /// <summary>The sweep member the run builds (m03); null for a sweep's shared stages and its promotion.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
    public string? Member { get; init; }

    /// <summary>How a sweep member ended, on the line the sweep writes after it: done, <c>pruned at epoch 3</c>, or failed with the reason.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
    public string? State { get; init; }

    /// <summary>On the sweep's line: the member's validation figure after each epoch, as its training reported it.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
    public IReadOnlyList<double>? Curve { get; init; }

    /// <summary>On the sweep's line: the member's wall time, from its first process to its last.</summary>
    [JsonProperty(NullValueHandling = NullValueHandling.Ignore)]
    public double? Seconds { get; init; }
}
