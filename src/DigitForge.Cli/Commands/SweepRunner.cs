using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using DigitForge.Engine.Config;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Engine.Sweeps;
using DigitForge.Registry.Gate;
using Newtonsoft.Json.Linq;

namespace DigitForge.Cli.Commands;

/// <summary>
/// Builds a planned sweep. Each member is an ordinary build of its recipe, made of the CLI processes
/// a build's stages are (<c>lock</c> holding the artifacts lock, one <c>run</c> per stage under its
/// token, restoring from the stage cache what it holds), in a scratch artifacts folder of its own
/// under the sweep folder: so N members build at once, each under its own lock, and share the one
/// stage cache and the pipeline's run history. The stages every member builds alike (Ingest,
/// Preprocess) are built once first, into the cache, and restored by every member. The sweep opens
/// each member's run in the history and closes it with its state, metrics, curve and time; the stage
/// processes record under the same run, with the sweep id and the member's name. Running the same
/// sweep again builds only the members the history does not have as done or pruned.
/// </summary>
public sealed class SweepRunner
{
    /// <summary>Exported to the stage processes: they end when the sweep that started them is gone (kill -9 included).</summary>
    public const string ExitWithInputVariable = "DIGITFORGE_EXIT_WITH_INPUT";

    private readonly SweepPlan plan;
    private readonly IPipelineDefinition definition;
    private readonly PipelinePaths paths;
    private readonly string configFile;
    private readonly string folder;
    private readonly RunHistory history;
    private readonly Lock console = new();

    public SweepRunner(IPipelineDefinition definition, PipelinePaths paths, string configFile, SweepPlan plan)
    {
        this.plan = plan;
        this.definition = definition;
        this.paths = paths;
        this.configFile = configFile;
        folder = Path.Combine(paths.Home, "sweeps", plan.Id);
        history = new RunHistory(Path.Combine(paths.Home, "history"));
    }

    public string PlanFile => Path.Combine(folder, SweepPlan.FileName);

    public RunHistory History => history;

    /// <summary>The runner of a sweep planned from this command line's pipeline and recipe.</summary>
    public static SweepRunner For(ParseResult result, SweepPlan plan)
    {
        var paths = CommonOptions.Paths(result);
        return new SweepRunner(CommonOptions.Definition(result), paths, CommonOptions.ConfigFile(result, paths), plan);
    }

    private string Board => Path.Combine(folder, "board");

    public int Run(bool promoteBest)
    {
        WritePlan(atATime: true);

        // Members built on other machines (sweep --member) count as recorded.
        SweepRemote.Merge(plan.Id, PlanFile, history, Console.Error);
        var pending = Rows().Where(r => !SweepResults.Settled(r)).Select(r => r.Member).ToList();
        if (pending.Count < plan.Members.Count)
        {
            Say($"{plan.Members.Count - pending.Count} members already recorded; building the {pending.Count} missing");
        }

        if (pending.Count > 0)
        {
            BuildShared(pending);
            // In plan order: without buffering, each free slot takes the next member.
            Parallel.ForEach(Partitioner.Create(pending, EnumerablePartitionerOptions.NoBuffering), new ParallelOptions { MaxDegreeOfParallelism = plan.Jobs }, m => BuildMember(m));
        }

        var rows = Rows();
        foreach (var line in SweepResults.Table(plan, rows))
        {
            Console.WriteLine(line);
        }

        if (rows.FirstOrDefault(r => r.Best) is { } best)
        {
            Console.WriteLine($"best: {best.Member.Name}; rebuild it with: {SweepCommand.RebuildLine(plan, best.Member)}");
            if (promoteBest)
            {
                Promote(best.Member);
            }
        }
        else if (promoteBest)
        {
            throw new StageException($"sweep {plan.Id}: no member is done, so none can be promoted");
        }

        return rows.Any(r => !SweepResults.Settled(r)) ? ExitCodes.Failure : ExitCodes.Success;
    }

    /// <summary>Writes the plan (again, on a rerun: the members are the same, the id says so; --jobs may not be) and says what the sweep is.</summary>
    /// <param name="atATime">Say how many members build at once (not for members built elsewhere).</param>
    public void WritePlan(bool atATime)
    {
        plan.Write(PlanFile);
        var threads = plan.ThreadsKey is { } key ? $", {plan.Members[0].Overrides.Last(o => o.StartsWith(key + "=", StringComparison.Ordinal))} each" : string.Empty;
        Say($"sweep {plan.Id}: {plan.Members.Count} members of {plan.Pipeline} up to {plan.Target}{(atATime ? $", {plan.Jobs} at a time" : string.Empty)}{threads}{(plan.Prune == PruneRule.Median ? ", pruned by the median" : string.Empty)}; plan {PlanFile}");
    }

    private IReadOnlyList<SweepRow> Rows()
    {
        var warnings = new List<string>();
        var runs = history.Runs(warnings);
        return SweepResults.Rows(plan, runs, definition.HeadlineMetric);
    }

    /// <summary>Builds, once, the stages whose inputs are the same for every member still to build, so each member restores them from the stage cache.</summary>
    private void BuildShared(IReadOnlyList<SweepMember> pending)
    {
        var graphs = pending.Select(m => definition.Create(configFile, m.Overrides.Select(ConfigOverride.Parse), paths, new BuildOptions())).ToList();
        var shared = new List<string>();
        foreach (var stage in graphs[0].Closure(plan.Target))
        {
            var upstreamsShared = graphs[0].Upstreams(stage.Name).All(u => shared.Contains(u.Name));
            if (upstreamsShared && graphs.Select(g => CanonicalJson.Hash(g.Find(stage.Name).DescribeInputs().Config)).Distinct().Count() == 1
                && graphs.Select(g => CanonicalJson.Hash(g.Find(stage.Name).DescribeInputs().Environment)).Distinct().Count() == 1)
            {
                shared.Add(stage.Name);
            }
        }

        if (shared.Count == 0)
        {
            return;
        }

        Say($"shared: {string.Join(", ", shared)} (the same for every member), built once");
        var (runId, artifacts, overrides) = (RunIdOf("shared"), Path.Combine(folder, "shared"), pending[0].Overrides);
        var exit = Build(runId, artifacts, overrides, shared, new Dictionary<string, string?> { [RunId.SweepVariable] = plan.Id }, Path.Combine(folder, "logs", "shared.log"));
        Close(runId, overrides, shared[^1], artifacts, exit == ExitCodes.Success);
        if (exit != ExitCodes.Success)
        {
            throw new StageException($"sweep {plan.Id}: the shared stages {string.Join(", ", shared)} failed (exit {exit}); see {Path.Combine(folder, "logs", "shared.log")}");
        }
    }

    /// <summary>Builds one member as an ordinary build of its recipe and records its run, closed with its state.</summary>
    /// <returns>The member's run id and the exit code of its build (0, <see cref="ExitCodes.Pruned"/> or the failure's).</returns>
    public (string Run, int Exit) BuildMember(SweepMember member)
    {
        var board = new TrialBoard(Board, member.Name, plan.Prune);
        board.Clear();
        var artifacts = Path.Combine(folder, "members", member.Name);
        var log = Path.Combine(folder, "logs", member.Name + ".log");
        var runId = RunIdOf(member.Name);
        var stages = definition.Create(configFile, member.Overrides.Select(ConfigOverride.Parse), paths, new BuildOptions()).Closure(plan.Target).Select(s => s.Name).ToList();
        Say($"{member.Name}: building {string.Join(", ", member.Values.Select(kv => $"{kv.Key}={kv.Value}"))} (run {runId})");
        var clock = Stopwatch.StartNew();
        var exit = Build(
            runId,
            artifacts,
            member.Overrides,
            stages,
            new Dictionary<string, string?>
            {
                [RunId.SweepVariable] = plan.Id,
                [TrialBoard.MemberVariable] = member.Name,
                [TrialBoard.DirectoryVariable] = Board,
                [TrialBoard.PruneVariable] = plan.Prune == PruneRule.Median ? "median" : null,
            },
            log);
        var seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
        var curve = TrialBoard.Curves(Board).GetValueOrDefault(member.Name) ?? [];
        var state = exit switch
        {
            ExitCodes.Success => SweepResults.DoneState,
            ExitCodes.Pruned => $"{SweepResults.PrunedState} {curve.Select(f => f.Epoch).DefaultIfEmpty(0).Max().ToString(CultureInfo.InvariantCulture)}",
            _ => $"failed (exit {exit}): {LastError(log)}",
        };
        Close(runId, member.Overrides, plan.Target, artifacts, exit == ExitCodes.Success, member, state, [.. curve.Select(f => f.Value)], seconds);
        if (exit is ExitCodes.Success or ExitCodes.Pruned)
        {
            // Its outputs are in the stage cache under their fingerprints, which the history names.
            Folders.DeleteQuietly(artifacts);
        }

        Say($"{member.Name}: {state} in {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s; rebuild: {SweepCommand.RebuildLine(plan, member)}");
        return (runId, exit);
    }

    /// <summary>The best member, built up to the promoting stage in the artifacts folder: the ordinary quality gate decides, and the version's run names the sweep.</summary>
    private void Promote(SweepMember best)
    {
        if (definition.PublishingStage is not { } publishing)
        {
            throw new ConfigException($"--promote-best: pipeline {definition.Name} has no stage that promotes models");
        }

        var graph = definition.Create(configFile, best.Overrides.Select(ConfigOverride.Parse), paths, new BuildOptions());
        var stage = StageNames.Of(publishing);
        var runId = RunIdOf("promote-" + best.Name);
        Say($"promoting {best.Name} through the quality gate (run {runId})");
        var exit = Build(
            runId,
            paths.Artifacts,
            best.Overrides,
            [.. graph.Closure(stage).Select(s => s.Name)],
            new Dictionary<string, string?> { [RunId.SweepVariable] = plan.Id },
            Path.Combine(folder, "logs", "promote.log"));
        Close(runId, best.Overrides, stage, paths.Artifacts, exit == ExitCodes.Success);
        if (exit != ExitCodes.Success)
        {
            throw new StageException($"--promote-best: building {best.Name} up to {stage} failed (exit {exit}); see {Path.Combine(folder, "logs", "promote.log")}");
        }

        var decision = Path.Combine(graph.Store.DirectoryOf(stage), PromotionDecision.FileName);
        if (File.Exists(decision))
        {
            var made = JsonFile.Read<PromotionDecision>(decision);
            Say(made.InProduction
                ? $"{best.Name} is {made.Version}, now in production"
                : $"{best.Name} is {made.Version}, kept out of production by the quality gate ({made.Outcome}: {string.Join("; ", made.Reasons)})");
        }
    }

    private string RunIdOf(string part) => $"{plan.Id}.{part}.{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>
    /// One ordinary build of <paramref name="stages"/> (in build order): the lock holder takes the
    /// folder's artifacts lock, and each stage runs in a process of its own under its token, skipped
    /// when up to date and restored when the stage cache holds it. The run is opened here and closed
    /// by the caller (<see cref="Close"/>).
    /// </summary>
    /// <returns>The exit code of the first process that failed, or 0.</returns>
    private int Build(string runId, string artifacts, IReadOnlyList<string> overrides, IReadOnlyList<string> stages, Dictionary<string, string?> sweep, string logFile)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        using var log = TextWriter.Synchronized(new StreamWriter(logFile, append: true) { AutoFlush = true });
        Append(Line(runId, overrides, stages[^1], sweep.GetValueOrDefault(TrialBoard.MemberVariable)) with { Start = true, Git = RunRecorder.Git(paths.Root) });
        var environment = new Dictionary<string, string?>(sweep)
        {
            [RunId.Variable] = runId,
            [RunId.TargetVariable] = stages[^1],
            [RunHistory.DirectoryVariable] = history.Directory,
            [BuildLock.TokenVariable] = null,
        };
        string[] common = ["--pipeline", plan.Pipeline, "--config", configFile, "--root", paths.Root, "--artifacts", artifacts, .. overrides.SelectMany(o => new[] { "--set", o })];

        using var holder = Start(["lock", .. common, "--purpose", $"digitforge sweep {plan.Id} ({runId})", "--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)], environment, log, readOutput: true);
        var locked = holder.StandardOutput.ReadLine();
        if (locked is null || !locked.StartsWith("locked ", StringComparison.Ordinal))
        {
            holder.WaitForExit();
            return holder.ExitCode == 0 ? ExitCodes.Failure : holder.ExitCode;
        }

        environment[BuildLock.TokenVariable] = locked["locked ".Length..];
        environment[ExitWithInputVariable] = "1";
        try
        {
            foreach (var stage in stages)
            {
                using var run = Start(["run", stage, .. common], environment, log, readOutput: false);
                run.WaitForExit();
                if (run.ExitCode != ExitCodes.Success)
                {
                    return run.ExitCode;
                }
            }

            return ExitCodes.Success;
        }
        finally
        {
            holder.StandardInput.Close();
            holder.WaitForExit();
        }
    }

    /// <summary>Starts this CLI with <paramref name="arguments"/>; its output goes to <paramref name="log"/> except, with <paramref name="readOutput"/>, its standard output.</summary>
    private static Process Start(IEnumerable<string> arguments, Dictionary<string, string?> environment, TextWriter log, bool readOutput)
    {
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Started as `dotnet digitforge.dll` (the build's way) or as an apphost.
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginErrorReadLine();
        if (!readOutput)
        {
            process.OutputDataReceived += (_, e) => Write(log, e.Data);
            process.BeginOutputReadLine();
        }

        return process;
    }

    private static void Write(TextWriter log, string? line)
    {
        if (line is not null)
        {
            log.WriteLine(line);
        }
    }

    /// <summary>
    /// Closes a run the sweep opened: finished, with the metrics read from <paramref name="artifacts"/>, when
    /// the build succeeded; for a member, with its state, curve and wall time either way.
    /// </summary>
    private void Close(string runId, IReadOnlyList<string> overrides, string target, string artifacts, bool succeeded, SweepMember? member = null, string? state = null, IReadOnlyList<double>? curve = null, double? seconds = null)
    {
        var graph = definition.Create(configFile, overrides.Select(ConfigOverride.Parse), paths with { Artifacts = artifacts }, new BuildOptions());
        var measured = definition.MetricsStage is { } measuring && graph.Closure(target).Any(s => s.Name == StageNames.Of(measuring));
        Append(Line(runId, overrides, target, member?.Name) with
        {
            Finish = succeeded,
            Metrics = succeeded && measured && definition.Metrics(graph) is { Count: > 0 } metrics ? metrics : null,
            State = state,
            Curve = curve,
            Seconds = seconds,
        });
    }

    /// <summary>A line of one of the sweep's runs, as the sweep process writes it.</summary>
    private RunLine Line(string runId, IReadOnlyList<string> overrides, string target, string? member) => new()
    {
        Run = runId,
        At = DateTimeOffset.UtcNow,
        Process = "sweep",
        User = Environment.UserName,
        Host = Environment.MachineName,
        Pipeline = plan.Pipeline,
        Target = target,
        Config = plan.Config,
        Overrides = overrides,
        ConfigHash = string.Empty,
        Sweep = plan.Id,
        Member = member,
    };

    private void Append(RunLine line)
    {
        try
        {
            var config = CanonicalJson.ToToken(definition.LoadConfig(configFile, line.Overrides.Select(ConfigOverride.Parse)));
            history.Append(line with { ConfigHash = CanonicalJson.Hash(config) }, config);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Say($"warning: run {line.Run} not recorded in {history.FilePath}: {ex.Message}");
        }
    }

    private static string LastError(string log) =>
        File.Exists(log) ? File.ReadLines(log).LastOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal))?["error:".Length..].Trim() ?? "see " + log : "see " + log;

    private void Say(string line)
    {
        lock (console)
        {
            Console.WriteLine(line);
        }
    }
}
