using System.CommandLine;
using System.Globalization;
using DigitForge.Cli.Pipeline;
using DigitForge.Engine.Storage;
using DigitForge.Evaluation.Stages;
using DigitForge.Reporting.Stages;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

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
            var pipeline = MnistPipeline.Create(CommonOptions.LoadConfig(result, paths), paths);
            foreach (var stage in pipeline.Stages)
            {
                var record = pipeline.Store.TryRead(stage.Name, out var problem);
                Console.WriteLine(record is null
                    ? $"{stage.Name,-11} {problem}"
                    : $"{stage.Name,-11} {record.Fingerprint[..7]}  ran {record.StartedAt.ToLocalTime():yyyy-MM-dd HH:mm} in {record.Seconds:0.0} s  {Display(paths, pipeline.Store.DirectoryOf(stage.Name))}");
            }

            var metrics = Path.Combine(pipeline.Store.DirectoryOf("Evaluate"), "metrics.json");
            if (File.Exists(metrics))
            {
                var report = JObject.Parse(File.ReadAllText(metrics));
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Test accuracy {report.Value<double>("accuracy"):P2} on {report.Value<int>("count")} images, loss {report.Value<double>("loss"):0.0000}"));
            }

            var decision = Path.Combine(pipeline.Store.DirectoryOf("Promote"), PromoteStage.DecisionFile);
            if (File.Exists(decision))
            {
                var last = JsonFile.Read<PromotionDecision>(decision);
                var production = new ModelRegistry(new ModelStore(paths.Models)).Production();
                Console.WriteLine($"Model {last.Version}: {last.Outcome}{(last.Forced ? " (forced)" : string.Empty)}; production is {production?.Name ?? "empty"} ({Display(paths, paths.Models)})");
            }

            var html = Path.Combine(pipeline.Store.DirectoryOf("Report"), ReportStage.HtmlFile);
            if (File.Exists(html))
            {
                Console.WriteLine($"Report: {Display(paths, html)}");
            }

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
