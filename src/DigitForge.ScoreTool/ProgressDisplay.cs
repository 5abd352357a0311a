using System.Diagnostics;
using System.Globalization;
using DigitForge.Scoring.Output;
using DigitForge.Scoring.Pipeline;
using Spectre.Console;

namespace DigitForge.ScoreTool;

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
        public override Task<ScoringOutcome> RunAsync(ScoringRun run, CancellationToken cancellation) => PlainProgress.RunAsync(run, output, interval, cancellation);
    }
}
