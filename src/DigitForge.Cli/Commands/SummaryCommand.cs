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
            var paths = CommonOptions.Paths(result);
            var pipeline = CommonOptions.Graph(result);
            foreach (var stage in pipeline.Stages)
            {
                var record = pipeline.Store.TryRead(stage.Name, out var problem);
                Console.WriteLine(record is null
                    ? $"{stage.Name,-11} {problem}"
                    : $"{stage.Name,-11} {record.Fingerprint[..7]}  ran {record.StartedAt.ToLocalTime():yyyy-MM-dd HH:mm} in {record.Seconds:0.0} s  {Display(paths, pipeline.Store.DirectoryOf(stage.Name))}");
            }

            var definition = CommonOptions.Definition(result);
            foreach (var line in definition.Headlines(pipeline))
            {
                Console.WriteLine(line.Replace(paths.Root + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal));
            }

            var decision = definition.PublishingStage is { } publishing
                ? Path.Combine(pipeline.Store.DirectoryOf(StageNames.Of(publishing)), PromotionDecision.FileName)
                : null;
            if (File.Exists(decision))
            {
                var last = JsonFile.Read<PromotionDecision>(decision);
                var production = new ModelRegistry(new ModelStore(paths.Models)).Production();
                Console.WriteLine($"Model {last.Version}: {last.Outcome}{(last.Forced ? " (forced)" : string.Empty)}; production is {production?.Name ?? "empty"} ({Display(paths, paths.Models)})");
            }

            RunRecorder.BuildFinished(result, pipeline);
            return ExitCodes.Success;
        }));
        return command;
    }

    // Inside the repository a relative path reads best; elsewhere the full one.
    private static string Display(PipelinePaths paths, string directory)
    {
        var relative = Path.GetRelativePath(paths.Root, directory);
        return relative.StartsWith("..", StringComparison.Ordinal) ? directory : relative;
    }
}
