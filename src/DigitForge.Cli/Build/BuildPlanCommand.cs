using System.CommandLine;
using DigitForge.Cli.Commands;
using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using Newtonsoft.Json;

namespace DigitForge.Cli.Build;

/// <summary>
/// <c>digitforge build-plan --root DIR -- BUILD-ARGUMENTS</c>: what build/build.cake asks before it
/// makes its tasks. It reads the build's arguments against <see cref="BuildCatalogue"/>; for a stage
/// target it takes the artifacts lock, restores what the stage cache holds and opens the build's run
/// in the history; it prints the plan (every task with its upstreams, command and, where known, why it
/// is skipped) as one line of JSON, then, having opened the run, the summary as it stands as a second
/// line, and holds the lock until its standard input closes, which
/// happens when the build ends, however it ends. A <c>succeeded</c> line first closes the run with its metrics.
/// It prints <c>stale</c> instead when the CLI's own sources changed: the script compiles it and asks again;
/// and <c>{"exit":N}</c> when it fails, having said why on its standard error.
/// build.sh starts it beside Cake with <c>--cake-argv</c> (<see cref="CakeCommandLine"/>), so that its work
/// overlaps Cake's start; the plan then names the arguments it read, which the script checks.
/// </summary>
public static class BuildPlanCommand
{
    /// <summary>The first line when the CLI must be compiled again first.</summary>
    public const string Stale = "stale";

    /// <summary>The script's line that takes a plan which opens a run.</summary>
    public const string Proceed = "proceed";

    public static Command Create()
    {
        var listing = new Option<bool>("--listing") { Description = "Only list the tasks (Cake's --description, --tree, --dryrun): no lock, no status, nothing written." };
        var cakeArgv = new Option<bool>("--cake-argv") { Description = "The arguments after -- are Cake's whole command line (build.sh starts the planner beside Cake)." };
        var buildArguments = new Argument<string[]>("build-arguments") { Description = "The build's arguments as --name=value, after --.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("build-plan", "Plan a build for build/build.cake and hold its lock (started by the script).") { listing, cakeArgv, buildArguments };
        command.SetAction(result => Answered(Guarded.Run(() =>
        {
            var root = Path.GetFullPath(result.GetValue(CommonOptions.Root)!);
            var given = result.GetValue(buildArguments) ?? [];
            var cake = result.GetValue(cakeArgv) ? CakeCommandLine.Parse(given) : null;
            if (cake is { RunsScript: false })
            {
                return ExitCodes.Success;
            }

            var listingOnly = cake?.Listing ?? result.GetValue(listing);
            var arguments = cake?.Arguments ?? given;

            // Checked beside reading the recipe, and decided before anything is refused or locked: a
            // CLI compiled from other sources may not know this build's arguments, and must not run stages.
            var stale = listingOnly ? Task.FromResult(false) : Task.Run(() => !CompiledTools.Cli.IsUpToDate(root));
            try
            {
                var request = BuildRequest.Parse(root, CompiledTools.Cli.Assembly(root), arguments);
                if (!listingOnly)
                {
                    PrecompiledCake.Ensure(root, Console.Error);
                }

                return Plan(request, arguments, listingOnly, stale);
            }
            catch (Exception) when (stale.Result)
            {
                // Whatever this CLI made of the build, the one compiled from the sources decides.
                Console.WriteLine(Stale);
                return ExitCodes.Success;
            }
            catch (BuildArgumentException ex)
            {
                Console.Error.WriteLine($"error: {ex.Message}");
                return ExitCodes.UsageError;
            }
        })));
        return command;
    }

    // A planner that failed says so on its standard output too: the script may not be its parent, and so cannot read its exit code.
    private static int Answered(int exitCode)
    {
        if (exitCode != ExitCodes.Success)
        {
            Console.WriteLine(JsonConvert.SerializeObject(new { exit = exitCode }, Formatting.None));
        }

        return exitCode;
    }

    private static int Plan(BuildRequest request, IReadOnlyList<string> arguments, bool listingOnly, Task<bool> stale)
    {
        // The verbs' own options, for the engine's calls made here.
        var common = CommandLine.Build().Parse(["status", .. request.CommonArguments()]);
        PipelineCatalog.Find(request.Pipeline, request.Root);
        var tool = request.Target is { } asked ? BuildCatalogue.Find(asked) : null;
        var command = tool is not null && !listingOnly ? tool.Command(request) : null;
        var graph = tool is { Needs: TargetNeeds.Nothing } ? null : CommonOptions.Graph(common);
        if (stale.Result)
        {
            Console.WriteLine(Stale);
            return ExitCodes.Success;
        }

        var stage = tool is null ? FindStage(request, graph!) : null;
        var target = tool?.Name ?? stage!;
        Environment.SetEnvironmentVariable(RunId.Variable, RunId.FromEnvironment() ?? RunId.New());
        Environment.SetEnvironmentVariable(RunId.TargetVariable, target);

        BuildLock? held = null;
        BuildStart? start = null;
        try
        {
            if (stage is not null && !listingOnly)
            {
                held = BuildLock.Acquire(
                    Path.Combine(Path.GetFullPath(request.Artifacts, request.Root), request.Pipeline, "stages"),
                    request.Has("no-wait") ? TimeSpan.Zero : TimeSpan.FromHours(12),
                    message => Console.Error.WriteLine($"lock: {message}"),
                    request.Purpose(target));
                // Stage commands re-enter the build's lock through its token; restoring here is one of them.
                Environment.SetEnvironmentVariable(BuildLock.TokenVariable, held.Owner?.Token ?? Environment.GetEnvironmentVariable(BuildLock.TokenVariable));
                start = BuildStart.Check(common, graph!, restore: true);
            }

            var tasks = new List<object>();
            if (graph is not null)
            {
                tasks.AddRange(StageTasks(request, CommonOptions.Definition(common), graph, start));
            }

            tasks.AddRange(BuildCatalogue.Targets.Select(t => ToolTask(request, t, t == tool ? command : null, NeededCompile(request, tool, command, t))));
            var reached = target;
            var compileTarget = CompiledTools.All.FirstOrDefault(c => c.CompileTarget == target);
            if (stage is not null || compileTarget is not null)
            {
                // Cake refuses to skip its target task ("Could not reach target"), and these may be skipped.
                reached = BuildCatalogue.Summary;
                tasks.Add(new
                {
                    name = BuildCatalogue.Summary,
                    description = "Prints where the outputs are and the headline figures.",
                    upstreams = new[] { target },
                    printed = stage is not null ? null
                        : compileTarget!.IsUpToDate(request.Root) ? [$"{Path.GetFileName(compileTarget.Assembly(request.Root))} is up to date: {Path.GetRelativePath(request.Root, compileTarget.Assembly(request.Root))}"]
                        : Array.Empty<string>(),
                    command = stage is not null ? request.Cli("summary") : null,
                });
            }

            Console.WriteLine(JsonConvert.SerializeObject(new
            {
                arguments,
                listing = listingOnly,
                target,
                reached,
                holdsLock = held is not null,
                opens = start is not null,
                environment = new[] { RunId.Variable, RunId.TargetVariable, BuildLock.TokenVariable }
                    .ToDictionary(name => name, Environment.GetEnvironmentVariable),
                tasks,
            }, Formatting.None));
            Console.Out.Flush();
            // The script takes the plan (a planner started beside Cake may have read the command line otherwise) before a run is opened.
            if (start is not null && Console.In.ReadLine() == Proceed)
            {
                // After the plan, so this overlaps Cake making its tasks; the script reads it before
                // the first stage runs, so the run is opened before any stage records into it.
                Console.WriteLine(JsonConvert.SerializeObject(new { printed = start.OpenRun() }, Formatting.None));
                Console.Out.Flush();
            }

            if (held is not null)
            {
                LockCommand.HoldUntilClosed(common, Console.In, graph);
            }

            return ExitCodes.Success;
        }
        finally
        {
            held?.Dispose();
        }
    }

    private static string FindStage(BuildRequest request, StageGraph graph)
    {
        if (request.Target is not { } asked)
        {
            return graph.DefaultTarget;
        }

        return graph.Stages.FirstOrDefault(s => s.Name.Equals(asked, StringComparison.OrdinalIgnoreCase))?.Name
            ?? throw new BuildArgumentException($"unknown target {asked}; targets are: "
                + string.Join(", ", graph.Stages.Select(s => s.Name).Concat(BuildCatalogue.Targets.Select(t => t.Name))));
    }

    private static IEnumerable<object> StageTasks(BuildRequest request, IPipelineDefinition definition, StageGraph graph, BuildStart? start)
    {
        var publishing = definition.PublishingStage is { } type ? StageNames.Of(type) : null;
        foreach (var stage in graph.Stages)
        {
            var status = start?.Statuses.GetValueOrDefault(stage.Name);
            // A forced promotion must reach the gate even when nothing upstream changed.
            var checks = status is not null && !request.Has("rerun") && !(stage.Name == publishing && request.Has("force"));
            var waiting = checks && start!.IsWaiting(stage.Name);
            if (checks && !status!.UpToDate && !waiting)
            {
                Console.Error.WriteLine($"{stage.Name}: {status.Describe()}");
            }

            yield return new
            {
                name = stage.Name,
                description = stage.Description,
                upstreams = graph.Upstreams(stage.Name).Select(u => u.Name),
                stage = true,
                skip = checks && status!.UpToDate ? status.Describe() : null,
                recheck = waiting ? request.Cli("status", stage.Name, "--brief", "--restore") : null,
                command = request.RunStage(stage.Name, stage.Name == publishing),
            };
        }
    }

    // The compile a target depends on, when its command starts that tool (Score for stories runs the CLI instead).
    private static CompiledTool? NeededCompile(BuildRequest request, ToolTarget? asked, IReadOnlyList<string>? command, ToolTarget candidate) =>
        CompiledTools.All.FirstOrDefault(c => c.CompileTarget == candidate.Name) is { } compiled
        && (asked == candidate || (asked?.DependsOn == candidate.Name && command?.Contains(compiled.Assembly(request.Root)) == true))
            ? compiled
            : null;

    /// <param name="command">What it runs when it is the target; null when it is not.</param>
    /// <param name="compile">The tool this compile target compiles, when the build needs it.</param>
    private static object ToolTask(BuildRequest request, ToolTarget target, IReadOnlyList<string>? command, CompiledTool? compile) => new
    {
        name = target.Name,
        description = target.Description,
        upstreams = target.DependsOn is { } upstream ? new[] { upstream } : [],
        skip = compile is not null && compile.IsUpToDate(request.Root) ? "up to date" : null,
        command = compile is not null ? target.Command(request) : command,
    };
}
