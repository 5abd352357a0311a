using System.CommandLine;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Storage;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge lock</c>: holds the pipeline's artifacts lock for a whole build. Prints
/// <c>locked TOKEN</c> once it has it and keeps it until its standard input closes, which happens
/// when the build that started it ends, however it ends (kill -9 included). With <c>--graph</c> it
/// then prints the build's starting point (<see cref="BuildStart"/>) on the next line, so a build
/// needs one process, not two, before its first stage; that opens the build's run in the history,
/// and the run is closed with its metrics when the build writes <c>succeeded</c> before it ends (a
/// failed or killed build's run stays unfinished). <see cref="LockAheadCommand"/> is the same
/// holder, started before the build script instead of by it.
/// </summary>
public static class LockCommand
{
    public static Command Create()
    {
        var noWait = new Option<bool>("--no-wait") { Description = "Exit at once (code 6) if another build holds the lock, naming it." };
        var purpose = new Option<string?>("--purpose") { Description = "What the build does, shown to a build that waits for it." };
        var pid = new Option<int?>("--pid") { Description = "The build's process, named to a build that waits (default: this helper, which a user should not kill)." };
        var graph = new Option<bool>("--graph") { Description = "Once locked, restore what the stage cache holds and print the graph with statuses and the summary as one JSON line." };
        var command = new Command("lock", "Hold the artifacts lock until standard input closes (the build script's lock).") { noWait, purpose, pid, graph };
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
            StageGraph? stages = null;
            if (result.GetValue(graph))
            {
                // Stage commands re-enter a build's lock through its token; restoring here is one of them.
                Environment.SetEnvironmentVariable(BuildLock.TokenVariable, token);
                stages = CommonOptions.Graph(result);
                Console.WriteLine(BuildStart.Check(result, stages, restore: true).Open());
                Console.Out.Flush();
            }

            HoldUntilClosed(result, Console.In, stages);
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
