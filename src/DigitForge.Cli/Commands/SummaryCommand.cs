using System.CommandLine;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;

namespace DigitForge.Cli.Commands;

/// <summary><c>digitforge summary</c>: where each stage's outputs are and the headline figures.</summary>
public static class SummaryCommand
{
    public static Command Create()
    {
        var command = new Command("summary", "Show each stage's last successful run, its outputs folder and the test metrics.");
        command.SetAction(result => Guarded.Run(() =>
        {
            foreach (var line in Lines(result, CommonOptions.Graph(result)))
            {
                Console.WriteLine(line);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>What <c>digitforge summary</c> prints, line by line, for the caller's <paramref name="pipeline"/> (built from the same options).</summary>
    public static IReadOnlyList<string> Lines(ParseResult result, StageGraph pipeline)
    {
        var lines = new List<string>();
        var paths = CommonOptions.Paths(result);
        foreach (var stage in pipeline.Stages)
        {
            var record = pipeline.Store.TryRead(stage.Name, out var problem);
            lines.Add(record is null
                ? $"{stage.Name,-11} {problem}"
                : $"{stage.Name,-11} {record.Fingerprint[..7]}  ran {record.StartedAt.ToLocalTime():yyyy-MM-dd HH:mm} in {record.Seconds:0.0} s  {Display(paths, pipeline.Store.DirectoryOf(stage.Name))}");
        }

        var definition = CommonOptions.Definition(result);
        lines.AddRange(definition.Headlines(pipeline).Select(line => line.Replace(paths.Root + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal)));

        var decision = definition.PublishingStage is { } publishing
            ? Path.Combine(pipeline.Store.DirectoryOf(StageNames.Of(publishing)), PromotionDecision.FileName)
            : null;
        if (File.Exists(decision))
        {
            var last = JsonFile.Read<PromotionDecision>(decision);
            var production = new ModelRegistry(new ModelStore(paths.Models)).Production();
            lines.Add($"Model {last.Version}: {last.Outcome}{(last.Forced ? " (forced)" : string.Empty)}; production is {production?.Name ?? "empty"} ({Display(paths, paths.Models)})");
        }

        return lines;
    }

    // Inside the repository a relative path reads best; elsewhere the full one.
    private static string Display(PipelinePaths paths, string directory)
    {
        var relative = Path.GetRelativePath(paths.Root, directory);
        return relative.StartsWith("..", StringComparison.Ordinal) ? directory : relative;
    }
}
