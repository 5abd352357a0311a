using System.CommandLine;
using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;

using DigitForge.Cli.Commands;

namespace DigitForge.Cli.Build;

/// <summary>
/// What a build starts from, taken by its planner once locked: the whole graph with every stage's
/// status (after restoring what the stage cache holds, when asked) and the build summary as it stands.
/// </summary>
public sealed class BuildStart
{
    private readonly ParseResult result;
    private readonly StageGraph graph;
    private readonly Dictionary<string, StageStatus> statuses;
    private readonly Task<GitState?> git;

    private BuildStart(ParseResult result, StageGraph graph, Dictionary<string, StageStatus> statuses, Task<GitState?> git)
    {
        this.result = result;
        this.graph = graph;
        this.statuses = statuses;
        this.git = git;
    }

    /// <summary>Each stage's status, by name, as the build starts.</summary>
    public IReadOnlyDictionary<string, StageStatus> Statuses => statuses;

    /// <summary>Every stage is up to date: the build will run nothing.</summary>
    public bool AllUpToDate => statuses.Values.All(status => status.UpToDate);

    /// <param name="graph">The graph of <paramref name="result"/>'s pipeline and recipe (<see cref="CommonOptions.Graph"/>).</param>
    /// <param name="restore">Restore stale stages whose upstreams are up to date from the stage cache (what a build does); without it nothing is written.</param>
    public static BuildStart Check(ParseResult result, StageGraph graph, bool restore)
    {
        var git = Task.Run(() => RunRecorder.Git(CommonOptions.Paths(result).Root));
        return new BuildStart(result, graph, GraphCommand.Statuses(graph, graph.Stages, restore), git);
    }

    /// <summary>Opens the build's run in the history and returns the build summary as it stands.</summary>
    public IReadOnlyList<string> OpenRun()
    {
        RunRecorder.BuildStarted(result, graph, statuses.Values, git);
        return SummaryCommand.Lines(result, graph);
    }

    /// <summary>A stale stage whose status can only be known once its upstreams ran: their outputs are not final yet.</summary>
    public bool IsWaiting(string stage) =>
        statuses.GetValueOrDefault(stage) is { UpToDate: false, Fingerprint: null }
        && graph.Upstreams(stage).Any(upstream => statuses.GetValueOrDefault(upstream.Name)?.UpToDate == false);
}
