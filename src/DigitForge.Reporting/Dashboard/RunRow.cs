using DigitForge.Engine.History;

namespace DigitForge.Reporting.Dashboard;

/// <summary>One row of the dashboard's runs table: a run and the no-op builds folded into it.</summary>
/// <param name="Repeats">Later builds that only repeated <paramref name="Run"/>, oldest first.</param>
public sealed record RunRow(RunRecord Run, IReadOnlyList<RunRecord> Repeats)
{
    /// <summary>The runs as rows, oldest first, each no-op build folded into the run it repeated.</summary>
    public static IReadOnlyList<RunRow> Fold(IEnumerable<RunRecord> runs)
    {
        var rows = new List<RunRow>();
        foreach (var run in runs.OrderBy(r => r.StartedAt))
        {
            if (rows.Count > 0 && IsRepeatOf(rows[^1].Run, run))
            {
                rows[^1] = rows[^1] with { Repeats = [.. rows[^1].Repeats, run] };
            }
            else
            {
                rows.Add(new RunRow(run, []));
            }
        }

        return rows;
    }

    // A build repeats the row just before it when it finished having run nothing (every stage it checked
    // was skipped or restored) on the same resolved recipe and the very fingerprints that run recorded:
    // its outputs, and so its metrics, are that run's. A failed or unfinished run is never folded and
    // folds nothing, since what it left behind is unknown. The row may itself be a no-op that repeated
    // nothing shown (a clone's first build, restored from a shared cache), so its repeats fold into it too.
    private static bool IsRepeatOf(RunRecord shown, RunRecord run) =>
        shown.Finished
        && run.Finished
        && run.ConfigHash == shown.ConfigHash
        && run.Stages.Count > 0
        && run.Stages.All(s => s.Outcome != StageOutcome.Ran
            && shown.Stages.Any(t => t.Stage == s.Stage && t.Fingerprint == s.Fingerprint));
}
