using System.Diagnostics;
using System.Globalization;
using DigitForge.Scoring.Output;

namespace DigitForge.Scoring.Pipeline;

/// <summary>A run's progress as a plain line every few seconds: what logs and CI keep (no carriage-return animation).</summary>
public static class PlainProgress
{
    public static Task<ScoringOutcome> RunAsync(ScoringRun run, TextWriter output, TimeSpan interval, CancellationToken cancellation)
    {
        // For the remaining time.
        var total = run.FilesToScore;
        var clock = Stopwatch.StartNew();
        var next = interval;
        var resumed = run.ResumedRows;
        return run.RunAsync(
            summary =>
            {
                if (clock.Elapsed >= next)
                {
                    next = clock.Elapsed + interval;
                    output.WriteLine(Line(summary, summary.Total - resumed, total, clock.Elapsed));
                }
            },
            cancellation);
    }

    private static string Line(ScoringSummary summary, long added, long total, TimeSpan elapsed)
    {
        // The total is an estimate after a resume over a folder that lost files since.
        total = Math.Max(total, added);
        var rate = added / elapsed.TotalSeconds;
        var remaining = rate > 0 ? TimeSpan.FromSeconds((total - added) / rate) : TimeSpan.Zero;
        return string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} scored {added:N0} of {total:N0} files in {elapsed.TotalSeconds:0} s ({rate:N0}/s, about {remaining.TotalSeconds:0} s left), {summary.Failed:N0} failed so far");
    }
}
