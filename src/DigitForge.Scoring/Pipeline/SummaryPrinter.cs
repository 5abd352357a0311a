using System.Globalization;
using DigitForge.Scoring.Output;

namespace DigitForge.Scoring.Pipeline;

/// <summary>The human part of a run's output: what is about to happen, and the summary at the end.</summary>
public static class SummaryPrinter
{
    public static void Start(TextWriter output, ScoringRun run)
    {
        output.WriteLine($"Scoring {run.Folder} with {run.Model.Description}");
        if (run.Model.Description != run.Model.OnnxPath)
        {
            output.WriteLine($"  model file {run.Model.OnnxPath}");
        }

        output.WriteLine($"  precision {run.Precision}");
        if (run.Golden is { } golden)
        {
            if (golden.Fallback is { } fallback)
            {
                output.WriteLine($"  {fallback}");
            }

            output.WriteLine($"  {golden.Summary}");
        }

        if (run.ResumedRows > 0 || run.DroppedTornRow)
        {
            output.WriteLine(Invariant($"  resuming {run.OutputPath}: {run.ResumedRows:N0} rows already there{(run.DroppedTornRow ? "; a row cut off by the interrupted run is scored again" : string.Empty)}"));
        }
    }

    public static void End(TextWriter output, ScoringRun run, ScoringOutcome outcome)
    {
        var summary = outcome.Summary;
        output.WriteLine(Invariant($"{(outcome.Completed ? "Done" : "Interrupted")}: {outcome.NewRows:N0} files in {outcome.Elapsed.TotalSeconds:0.0} s ({outcome.ImagesPerSecond:N0} images/s){(outcome.ResumedRows > 0 ? $", after {outcome.ResumedRows:N0} from the earlier run" : string.Empty)}"));
        output.WriteLine(Invariant($"  {summary.Scored:N0} scored, {summary.Failed:N0} failed, {summary.Total:N0} rows in {run.OutputPath}"));
        if (summary.Scored > 0)
        {
            output.WriteLine("  per label: " + string.Join("  ", summary.PerLabel.Select(p => Invariant($"{p.Key}: {p.Value:N0}"))));
            output.WriteLine(Invariant($"  mean confidence {summary.MeanConfidence:0.0000}; {summary.BelowMinConfidence:N0} below {summary.MinConfidence:0.##}"));
        }

        if (summary.Skipped > 0)
        {
            var more = summary.Skipped > summary.FirstSkipped.Count ? Invariant($" and {summary.Skipped - summary.FirstSkipped.Count:N0} more") : string.Empty;
            output.WriteLine(Invariant($"  skipped {Count(summary.Skipped, "file")} not named as images (or hidden), no rows: {string.Join(", ", summary.FirstSkipped)}{more}; --all-files scores them too"));
        }

        if (summary.ImagesInSubFolders > 0)
        {
            output.WriteLine($"  not scored: {Count(summary.ImagesInSubFolders, "image")} in {Count(summary.SubFoldersWithImages, "sub-folder")}; add --recursive to score them");
        }

        if (summary.Failed > 0)
        {
            output.WriteLine(Invariant($"  failures (each has an error row){(summary.Failed > summary.FirstFailures.Count ? $", the first {summary.FirstFailures.Count}" : string.Empty)}:"));
            foreach (var failure in summary.FirstFailures)
            {
                output.WriteLine($"    {failure.Path}: {failure.Error}");
            }
        }

        output.WriteLine(run.Drift is { } drift
            ? drift.ToString()
            : run.Reference is null ? "drift: not checked (the model has no reference.json beside it)" : "drift: not checked (no image scored)");
        if (run.Log is { } log)
        {
            output.WriteLine(Invariant($"prediction log: {log.Written:N0} predictions recorded in {log.Location}{(log.Lost > 0 ? $"; {log.Lost:N0} lost: {log.LastError}" : string.Empty)}"));
        }

        if (!outcome.Completed)
        {
            output.WriteLine("  run the same command with --resume to continue");
        }
    }

    private static string Count(long count, string noun) => Invariant($"{count:N0} {noun}{(count == 1 ? string.Empty : "s")}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
