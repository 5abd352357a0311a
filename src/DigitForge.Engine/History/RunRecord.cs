namespace DigitForge.Engine.History;

/// <summary>One run put together from its lines: who, on what, with which recipe, what each stage did, and the metrics.</summary>
public sealed record RunRecord
{
    public required string Id { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When its finish line was written; null: the build failed or was killed before its end.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    public required string User { get; init; }

    public required string Host { get; init; }

    public GitState? Git { get; init; }

    public required string Pipeline { get; init; }

    public string? Target { get; init; }

    public required string Config { get; init; }

    public IReadOnlyList<string> Overrides { get; init; } = [];

    public required string ConfigHash { get; init; }

    /// <summary>In the order they were first recorded; a stage recorded twice (checked up to date, then forced) keeps its last outcome.</summary>
    public IReadOnlyList<StageEvent> Stages { get; init; } = [];

    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    public string? Sweep { get; init; }

    public string? Member { get; init; }

    /// <summary>A sweep member's end as the sweep recorded it; null for other runs, and for a member the sweep did not see end (killed).</summary>
    public string? State { get; init; }

    public IReadOnlyList<double> Curve { get; init; } = [];

    /// <summary>A sweep member's wall time as the sweep measured it.</summary>
    public double? Seconds { get; init; }

    public bool Finished => FinishedAt is not null;

    /// <summary>Groups lines by run id, in the order each run first appears.</summary>
    public static IReadOnlyList<RunRecord> Assemble(IEnumerable<RunLine> lines) =>
        [.. lines.GroupBy(l => l.Run, StringComparer.Ordinal).Select(g => Of(g.ToList()))];

    private static RunRecord Of(IReadOnlyList<RunLine> lines)
    {
        var first = lines.FirstOrDefault(l => l.Start) ?? lines[0];
        var stages = new List<StageEvent>();
        foreach (var stage in lines.SelectMany(l => l.Stages))
        {
            var index = stages.FindIndex(s => s.Stage == stage.Stage);
            if (index >= 0)
            {
                stages[index] = stage;
            }
            else
            {
                stages.Add(stage);
            }
        }

        return new RunRecord
        {
            Id = first.Run,
            StartedAt = lines.Min(l => l.At),
            FinishedAt = lines.LastOrDefault(l => l.Finish)?.At,
            User = first.User,
            Host = first.Host,
            Git = lines.Select(l => l.Git).FirstOrDefault(g => g is not null),
            Pipeline = first.Pipeline,
            Target = first.Target ?? lines.Select(l => l.Target).FirstOrDefault(t => t is not null),
            Config = first.Config,
            Overrides = first.Overrides,
            ConfigHash = first.ConfigHash,
            Stages = stages,
            Metrics = lines.LastOrDefault(l => l.Metrics is not null)?.Metrics ?? new Dictionary<string, double>(),
            Sweep = lines.Select(l => l.Sweep).FirstOrDefault(s => s is not null),
            Member = lines.Select(l => l.Member).FirstOrDefault(m => m is not null),
            State = lines.LastOrDefault(l => l.State is not null)?.State,
            Curve = lines.LastOrDefault(l => l.Curve is not null)?.Curve ?? [],
            Seconds = lines.LastOrDefault(l => l.Seconds is not null)?.Seconds,
        };
    }
}
