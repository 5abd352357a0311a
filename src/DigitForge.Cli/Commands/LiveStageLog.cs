using DigitForge.Engine.Stages;
using Spectre.Console;

namespace DigitForge.Cli.Commands;

/// <summary>
/// A stage's log on an interactive terminal: lines scroll above a Spectre.Console progress bar that
/// shows the stage's status, percentage and remaining time. Elsewhere (CI, redirected output) the
/// plain <see cref="TextStageLog"/> is used instead.
/// </summary>
public sealed class LiveStageLog(string stage, ProgressTask task) : IStageLog
{
    public static bool Available => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/> with a live log when the terminal allows it, else with plain lines.</summary>
    public static void Run(string stage, Action<IStageLog> work)
    {
        if (!Available)
        {
            work(new TextStageLog(Console.Out, stage));
            return;
        }

        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => work(new LiveStageLog(stage, context.AddTask(Markup.Escape(stage), maxValue: 1))));
    }

    public void Info(string message) => Write("info", message);

    public void Warning(string message) => Write("warn", message);

    public void Progress(double fraction, string status)
    {
        task.Value = Math.Clamp(fraction, 0, 1);
        task.Description = Markup.Escape($"{stage}: {status}");
    }

    private void Write(string level, string message) =>
        AnsiConsole.WriteLine($"{DateTime.Now:HH:mm:ss} {stage,-10} {level} {message}");
}
