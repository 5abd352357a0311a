using System.Globalization;
using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Sweeps;
using DigitForge.Engine.Text;

namespace DigitForge.Cli.Commands;

/// <summary>One member of a sweep as the run history has it.</summary>
/// <param name="State">done, <c>pruned at epoch k</c>, failed ..., unfinished (its build was killed), or pending (never started).</param>
/// <param name="Run">Its last recorded run; null while pending.</param>
public sealed record SweepRow(SweepMember Member, string State, RunRecord? Run, bool Best)
{
    public bool Done => State == SweepResults.DoneState;

    public bool Pruned => State.StartsWith(SweepResults.PrunedState, StringComparison.Ordinal);

    public IReadOnlyDictionary<string, double> Metrics => Done ? Run!.Metrics : new Dictionary<string, double>();

    /// <summary>The sweep's measure of the member's wall time, or, for a member it did not see end, its run's span.</summary>
    public double? Seconds => Run?.Seconds ?? (Run?.FinishedAt is { } end ? (end - Run.StartedAt).TotalSeconds : null);
}

/// <summary>A sweep's members read from the run history: each one's state, metrics and time, with the best marked.</summary>
public static class SweepResults
{
    public const string DoneState = "done";
    public const string PrunedState = "pruned at epoch";

    /// <summary>One row per planned member, from its latest run in <paramref name="runs"/>; the best done member by the pipeline's headline metric is marked.</summary>
    public static IReadOnlyList<SweepRow> Rows(SweepPlan plan, IReadOnlyList<RunRecord> runs, MetricSpec? headline)
    {
        var latest = runs
            .Where(r => r.Sweep == plan.Id && r.Member is not null)
            .GroupBy(r => r.Member!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.MaxBy(r => r.StartedAt)!, StringComparer.Ordinal);
        var rows = plan.Members.Select(m => latest.TryGetValue(m.Name, out var run)
            ? new SweepRow(m, run.State ?? (run.Finished ? DoneState : "unfinished"), run, Best: false)
            : new SweepRow(m, "pending", null, Best: false)).ToList();
        if (headline is not null
            && rows.Where(r => r.Done && r.Metrics.ContainsKey(headline.Name)).OrderBy(r => headline.Sense == MetricSense.HigherIsBetter ? -r.Metrics[headline.Name] : r.Metrics[headline.Name]).FirstOrDefault() is { } best)
        {
            rows[rows.IndexOf(best)] = best with { Best = true };
        }

        return rows;
    }

    /// <summary>The members a sweep run again need not build: done, or pruned (a pruned member stays pruned).</summary>
    public static bool Settled(SweepRow row) => row.Done || row.Pruned;

    public static IEnumerable<string> Table(SweepPlan plan, IReadOnlyList<SweepRow> rows)
    {
        var metrics = rows.SelectMany(r => r.Metrics.Keys).Distinct(StringComparer.Ordinal).ToList();
        string[] header = ["member", .. plan.Keys, .. ThreadsColumn(plan), "state", "seconds", .. metrics, "best"];
        var lines = rows.Select(r => (string[])
        [
            r.Member.Name,
            .. plan.Keys.Select(k => r.Member.Values.GetValueOrDefault(k) ?? "-"),
            .. ThreadsColumn(plan).Select(k => Threads(r.Member, k)),
            r.State,
            r.Seconds is { } seconds ? seconds.ToString("0.0", CultureInfo.InvariantCulture) : "-",
            .. metrics.Select(m => r.Metrics.TryGetValue(m, out var v) ? ExperimentsCommand.Format(v) : "-"),
            r.Best ? "*" : string.Empty,
        ]).ToList();
        return TextTable.Render(header, lines);
    }

    public static object Json(IReadOnlyList<SweepRow> rows) => rows.Select(r => new
    {
        member = r.Member.Name,
        values = r.Member.Values,
        overrides = r.Member.Overrides,
        state = r.State,
        run = r.Run?.Id,
        seconds = r.Seconds,
        metrics = r.Metrics,
        curve = r.Run?.Curve ?? [],
        stages = r.Run?.Stages ?? [],
        best = r.Best,
    });

    // The thread count each member trains with, when the sweep set it: it is part of the member's recipe.
    private static IEnumerable<string> ThreadsColumn(SweepPlan plan) => plan.ThreadsKey is { } key ? [key] : [];

    private static string Threads(SweepMember member, string key) =>
        member.Overrides.LastOrDefault(o => o.StartsWith(key + "=", StringComparison.OrdinalIgnoreCase))?[(key.Length + 1)..] ?? "-";
}
