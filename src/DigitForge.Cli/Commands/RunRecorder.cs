using System.CommandLine;
using System.ComponentModel;
using System.Diagnostics;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Sweeps;

namespace DigitForge.Cli.Commands;

/// <summary>
/// Writes the run history as a build goes: the build planner (<c>build-plan</c>) opens the
/// run with the stages already up to date, each <c>status --restore</c> and <c>run</c> adds a
/// stage, and the planner closes it with the metrics when the build says it succeeded. A <c>digitforge run</c> outside a build is
/// a run of its own, opened and closed by itself. A history that cannot be written costs the
/// record, never the build: it is a warning.
/// </summary>
public static class RunRecorder
{
    /// <summary>The pipeline's history, or the one a sweep pointed its members' processes at (<see cref="RunHistory.DirectoryVariable"/>).</summary>
    public static RunHistory History(ParseResult result) =>
        new(Environment.GetEnvironmentVariable(RunHistory.DirectoryVariable) is { Length: > 0 } directory ? directory : Path.Combine(CommonOptions.Paths(result).Home, "history"));

    /// <summary>The build's graph check: opens the run with every stage of its target already up to date.</summary>
    /// <param name="git">The tree's state, asked of git while the statuses were taken (a process of its own, so it runs beside them).</param>
    public static void BuildStarted(ParseResult result, StageGraph graph, IEnumerable<StageStatus> statuses, Task<GitState?> git)
    {
        if (RunId.FromEnvironment() is not { } id)
        {
            return;
        }

        var target = BuildTarget(graph);
        var inRun = target is null ? null : graph.Closure(target).Select(s => s.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var events = statuses.Where(s => inRun is null || inRun.Contains(s.Stage)).Select(EventOf).OfType<StageEvent>().ToList();
        Append(result, graph, id, "graph", start: true, git.Result, finish: false, target, events, metrics: null);
    }

    /// <summary>A build's check of a stage below a stale one: recorded when it turned out up to date or was restored.</summary>
    public static void StageChecked(ParseResult result, StageGraph graph, StageStatus status)
    {
        if (RunId.FromEnvironment() is { } id && EventOf(status) is { } stageEvent)
        {
            Append(result, graph, id, "status", start: false, git: null, finish: false, BuildTarget(graph), [stageEvent], metrics: null);
        }
    }

    /// <summary>A stage run; <paramref name="own"/>: outside a build, so this is the whole run, with its metrics.</summary>
    public static void StageRun(ParseResult result, StageGraph graph, string id, bool own, StageRunResult run)
    {
        var outcome = run.Ran ? StageOutcome.Ran : run.Restored ? StageOutcome.Restored : StageOutcome.Skipped;
        var stageEvent = new StageEvent(run.Stage, run.Fingerprint, outcome, run.Why, Math.Round(run.Elapsed.TotalSeconds, 3));
        var target = own ? run.Stage : BuildTarget(graph);
        Append(result, graph, id, "run", start: own, own ? Git(CommonOptions.Paths(result).Root) : null, finish: own, target, [stageEvent], own ? Metrics(result, graph, run.Stage) : null);
    }

    /// <summary>The build's end, from its lock holder: closes the run with the metrics when the run includes the stage measuring them.</summary>
    public static void BuildFinished(ParseResult result, StageGraph graph)
    {
        if (RunId.FromEnvironment() is { } id)
        {
            var target = BuildTarget(graph);
            Append(result, graph, id, "summary", start: false, git: null, finish: true, target, [], Metrics(result, graph, target));
        }
    }

    private static StageEvent? EventOf(StageStatus status) => status switch
    {
        { UpToDate: true, Fingerprint: { } fingerprint, Restored: { } restored } => new StageEvent(status.Stage, fingerprint, StageOutcome.Restored, restored, 0),
        { UpToDate: true, Fingerprint: { } fingerprint } => new StageEvent(status.Stage, fingerprint, StageOutcome.Skipped, status.Describe(), 0),
        _ => null,
    };

    // The build's target when it is a stage of this pipeline (the Cake script exports it); otherwise unknown.
    private static string? BuildTarget(StageGraph graph) =>
        Environment.GetEnvironmentVariable(RunId.TargetVariable) is { Length: > 0 } target && graph.Stages.FirstOrDefault(s => s.Name.Equals(target, StringComparison.OrdinalIgnoreCase)) is { } stage
            ? stage.Name
            : null;

    private static IReadOnlyDictionary<string, double>? Metrics(ParseResult result, StageGraph graph, string? target)
    {
        var definition = CommonOptions.Definition(result);
        if (definition.MetricsStage is not { } measuring)
        {
            return null;
        }

        // Without a known target the committed metrics are taken as the build's; with one, only if it measured them.
        var measured = target is null || graph.Closure(target).Any(s => s.Name == StageNames.Of(measuring));
        return measured && definition.Metrics(graph) is { Count: > 0 } metrics ? metrics : null;
    }

    /// <param name="git">The tree's state, recorded by the process that starts the run.</param>
    private static void Append(ParseResult result, StageGraph graph, string id, string process, bool start, GitState? git, bool finish, string? target,
        IReadOnlyList<StageEvent> stages, IReadOnlyDictionary<string, double>? metrics)
    {
        var history = History(result);
        try
        {
            var paths = CommonOptions.Paths(result);
            var config = CanonicalJson.ToToken(CommonOptions.LoadConfig(result));
            var configFile = Path.GetFullPath(result.GetValue(CommonOptions.Config) ?? CommonOptions.Definition(result).DefaultConfig, paths.Root);
            var relative = Path.GetRelativePath(paths.Root, configFile);
            history.Append(
                new RunLine
                {
                    Run = id,
                    At = DateTimeOffset.UtcNow,
                    Process = process,
                    Start = start,
                    Finish = finish,
                    User = Environment.UserName,
                    Host = Environment.MachineName,
                    Git = git,
                    Pipeline = graph.Pipeline,
                    Target = target,
                    Config = relative.StartsWith("..", StringComparison.Ordinal) ? configFile : relative.Replace('\\', '/'),
                    Overrides = result.GetValue(CommonOptions.Set) ?? [],
                    ConfigHash = CanonicalJson.Hash(config),
                    Stages = stages,
                    Metrics = metrics,
                    Sweep = Environment.GetEnvironmentVariable(RunId.SweepVariable) is { Length: > 0 } sweep ? sweep : null,
                    Member = Environment.GetEnvironmentVariable(TrialBoard.MemberVariable) is { Length: > 0 } member ? member : null,
                },
                config);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"warning: run {id} not recorded in {history.FilePath}: {ex.Message}");
        }
    }

    /// <summary>The commit and whether the tree is dirty, from one <c>git status</c>; null when git, the
    /// repository or a first commit is not there (never an error).</summary>
    internal static GitState? Git(string root) => ParseStatus(GitOutput(root, "status", "--porcelain=v2", "--branch"));

    /// <summary>Reads <c>git status --porcelain=v2 --branch</c>: the commit from the <c># branch.oid</c>
    /// header, dirty when any line is not a header.</summary>
    public static GitState? ParseStatus(string? status)
    {
        var lines = status?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var commit = lines.FirstOrDefault(l => l.StartsWith("# branch.oid ", StringComparison.Ordinal))?["# branch.oid ".Length..].Trim();
        return commit is { Length: > 0 } and not "(initial)" ? new GitState(commit, lines.Any(l => !l.StartsWith('#'))) : null;
    }

    private static string? GitOutput(string root, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(root);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A concurrent build's git must not fail on the index lock `git status` would otherwise take.
        start.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        try
        {
            using var git = Process.Start(start)!;
            git.ErrorDataReceived += (_, _) => { };
            git.BeginErrorReadLine();
            var output = git.StandardOutput.ReadToEnd();
            return git.WaitForExit(TimeSpan.FromSeconds(10)) && git.ExitCode == 0 ? output : null;
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            return null;
        }
    }
}
