using System.CommandLine;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using Newtonsoft.Json;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge graph</c>: the pipeline's stage graph as Mermaid, Graphviz DOT, SVG or JSON, with
/// each stage's status when asked. The JSON form is what the Cake script builds its tasks from.
/// </summary>
public static class GraphCommand
{
    public static Command Create()
    {
        var format = new Option<string>("--format") { Description = "mermaid, dot, svg or json.", DefaultValueFactory = _ => "mermaid" };
        format.AcceptOnlyFromAmong("mermaid", "dot", "svg", "json");
        var status = new Option<bool>("--status") { Description = "Include each stage's status (up to date, or stale and why)." };
        var target = new Option<string?>("--target") { Description = "Only this stage and what it depends on." };
        var restore = new Option<bool>("--restore") { Description = "With --status: restore stale stages whose upstreams are up to date from the stage cache first (what a build does)." };
        var command = new Command("graph", "Print the pipeline's stage graph.") { format, status, target, restore };
        command.SetAction(result => Guarded.Run(() =>
        {
            var graph = CommonOptions.Graph(result);
            var wanted = result.GetValue(target) is { } name ? graph.Closure(name) : graph.Stages;
            var statuses = result.GetValue(status) ? Statuses(graph, wanted, result.GetValue(restore)) : null;
            Console.Write(result.GetValue(format) switch
            {
                "dot" => GraphText.Dot(graph, statuses),
                "svg" => GraphText.Svg(graph, statuses),
                "json" => Json(CommonOptions.Definition(result), graph, wanted, statuses, summary: null, Formatting.Indented) + Environment.NewLine,
                _ => GraphText.Mermaid(graph, statuses),
            });
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// One pass in build order: a stage whose upstreams are all up to date gets its real status (and,
    /// with <paramref name="restore"/>, is restored from the cache when it can be); a stage below a
    /// stale one waits for it, since its inputs are not final yet.
    /// </summary>
    internal static Dictionary<string, StageStatus> Statuses(StageGraph graph, IReadOnlyList<IStage> stages, bool restore)
    {
        var statuses = new Dictionary<string, StageStatus>(StringComparer.OrdinalIgnoreCase);
        foreach (var stage in stages)
        {
            var waitingOn = graph.Upstreams(stage.Name).Where(u => !statuses[u.Name].UpToDate).Select(u => u.Name).ToList();
            if (waitingOn.Count > 0)
            {
                statuses[stage.Name] = new StageStatus(stage.Name, false, null, [$"upstream {string.Join(", ", waitingOn)} will re-run"]);
                continue;
            }

            statuses[stage.Name] = restore ? graph.StatusRestoring(stage.Name, new TextStageLog(Console.Error, stage.Name)) : graph.Status(stage.Name);
        }

        return statuses;
    }

    internal static string Json(IPipelineDefinition definition, StageGraph graph, IReadOnlyList<IStage> stages, Dictionary<string, StageStatus>? statuses, IReadOnlyList<string>? summary, Formatting formatting) =>
        JsonConvert.SerializeObject(
            new
            {
                pipeline = definition.Name,
                description = definition.Description,
                publishing = definition.PublishingStage is { } publishing ? StageNames.Of(publishing) : null,
                // What a build with no --target runs: the pipeline's last stage in build order.
                defaultTarget = graph.DefaultTarget,
                stages = stages.Select(stage => new
                {
                    name = stage.Name,
                    description = stage.Description,
                    upstreams = graph.Upstreams(stage.Name).Select(u => u.Name),
                    upToDate = statuses?.GetValueOrDefault(stage.Name)?.UpToDate,
                    waiting = statuses?.GetValueOrDefault(stage.Name) is { UpToDate: false } status && status.Fingerprint is null
                        && graph.Upstreams(stage.Name).Any(u => statuses.GetValueOrDefault(u.Name)?.UpToDate == false),
                    status = statuses?.GetValueOrDefault(stage.Name)?.Describe(),
                }),
                summary,
            },
            formatting);
}
