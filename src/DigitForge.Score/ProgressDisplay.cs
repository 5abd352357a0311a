using System.Diagnostics;
using System.Globalization;
using DigitForge.Scoring.Output;
using DigitForge.Scoring.Pipeline;
using Spectre.Console;

namespace DigitForge.Score;

/// <summary>Shows a run's progress: a live bar on an interactive terminal, otherwise a plain line every
/// few seconds (logs and CI keep no carriage-return animation).</summary>
public abstract class ProgressDisplay
{
    public static ProgressDisplay For(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
            ? new Bar()
            : new Plain(output, TimeSpan.FromSeconds(5));

    public abstract Task<ScoringOutcome> RunAsync(ScoringRun run, CancellationToken cancellation);

    /// <summary>Spectre.Console's progress bar; its total is the files the run counted while the model loaded.</summary>
    private sealed class Bar : ProgressDisplay
    {
        public override Task<ScoringOutcome> RunAsync(ScoringRun run, CancellationToken cancellation) =>
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("Scoring", maxValue: Math.Max(1, run.FilesToScore));
                    var resumed = run.ResumedRows;
                    var clock = Stopwatch.StartNew();
                    return await run.RunAsync(
                        summary =>
                        {
                            task.Value = summary.Total - resumed;
                            task.Description = string.Create(CultureInfo.InvariantCulture, $"Scoring ({task.Value / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):N0} files/s)");
                        },
                        cancellation);
                });
    }

    private sealed class Plain(TextWriter output, TimeSpan interval) : ProgressDisplay
    {
        public override Task<ScoringOutcome> RunAsync(ScoringRun run, CancellationToken cancellation)
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
}
