using System.CommandLine;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Storage;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge lock</c>: holds the pipeline's artifacts lock for a whole build. Prints
/// <c>locked TOKEN</c> once it has it and keeps it until its standard input closes, which happens
/// when the process that started it ends, however it ends (kill -9 included). Stage commands
/// started with its token in <c>DIGITFORGE_BUILD_LOCK</c> run under it. A build takes its lock
/// through <see cref="Build.BuildPlanCommand"/> instead, which also plans the build.
/// </summary>
public static class LockCommand
{
    public static Command Create()
    {
        var noWait = new Option<bool>("--no-wait") { Description = "Exit at once (code 6) if another build holds the lock, naming it." };
        var purpose = new Option<string?>("--purpose") { Description = "What the build does, shown to a build that waits for it." };
        var pid = new Option<int?>("--pid") { Description = "The build's process, named to a build that waits (default: this helper, which a user should not kill)." };
        var command = new Command("lock", "Hold the artifacts lock until standard input closes.") { noWait, purpose, pid };
        command.SetAction(result => Guarded.Run(() =>
        {
            using var held = BuildLock.Acquire(
                CommonOptions.Paths(result).Stages,
                result.GetValue(noWait) ? TimeSpan.Zero : TimeSpan.FromHours(12),
                message => Console.Error.WriteLine($"lock: {message}"),
                result.GetValue(purpose),
                result.GetValue(pid));
            var token = held.Owner?.Token ?? Environment.GetEnvironmentVariable(BuildLock.TokenVariable);
            Console.WriteLine($"locked {token}");
            Console.Out.Flush();
            HoldUntilClosed(result, Console.In, null);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Reads the build's lines until it closes them; with the build's graph, a <c>succeeded</c> line closes the build's run in the history.</summary>
    internal static void HoldUntilClosed(ParseResult result, TextReader build, StageGraph? graph)
    {
        var succeeded = false;
        while (build.ReadLine() is { } line)
        {
            succeeded |= line == "succeeded";
        }

        if (graph is not null && succeeded)
        {
            RunRecorder.BuildFinished(result, graph);
        }
    }
}
