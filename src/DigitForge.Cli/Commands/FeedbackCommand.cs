using System.CommandLine;
using DigitForge.Engine.Config;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge feedback --input=labels.csv|FOLDER [--at=TIME]</c>: ground truth for logged predictions, given later:
/// a CSV of <c>path,label</c> or a folder of label sub-folders (a regression's labels are numbers).
/// Entries that cannot be recorded are counted and shown; then the exit code is 4.
/// <c>digitforge feedback export [--since=TIME] [--until=TIME]</c>: the labelled feedback as a snapshot a recipe can train on.
/// </summary>
public static class FeedbackCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "A CSV of path,label (paths relative to the file; ids as logged also match) or a folder with one sub-folder per label.", Required = true };
        var at = new Option<DateTimeOffset?>("--at") { Description = "Record the labels as given at this time (ISO 8601; default now)." };
        var command = new Command("feedback", "Record the true labels of logged predictions, joined by id, file path or file content.") { input, at, ExportCommand() };
        command.SetAction(result => Guarded.Run(() =>
        {
            var pipeline = Monitored(result);
            var paths = CommonOptions.Paths(result);
            var file = Path.GetFullPath(result.GetValue(input)!, paths.Root);
            var entries = LabelFeedback.Read(file);
            using var store = MonitorStores.Open(paths.Home);
            var report = LabelFeedback.Record(store, pipeline.Name, pipeline.Classes, entries, $"feedback {Path.GetFileName(file)}", result.GetValue(at) ?? DateTimeOffset.UtcNow);
            foreach (var line in report.Lines($"feedback into {store.Location}"))
            {
                Console.WriteLine(line);
            }

            return report.Refused.Count == 0 ? ExitCodes.Success : ExitCodes.CompletedWithFailures;
        }));
        return command;
    }

    private static Command ExportCommand()
    {
        var since = new Option<DateTimeOffset?>("--since") { Description = "Only predictions made at or after this time (ISO 8601)." };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Only predictions made before this time (ISO 8601)." };
        var command = new Command("export", "Write the logged predictions that have valid ground truth, with it, as a feedback snapshot (artifacts/<pipeline>/feedback/<id>/) for a recipe's data.feedback; prints its id first.") { since, until };
        command.SetAction(result => Guarded.Run(() =>
        {
            var pipeline = CommonOptions.Definition(result) as IFeedbackExporter
                ?? throw new ConfigException($"pipeline {CommonOptions.Definition(result).Name} cannot turn its feedback into training data");
            var paths = CommonOptions.Paths(result);
            using var store = MonitorStores.Open(paths.Home);
            var manifest = pipeline.ExportFeedback(store, CommonOptions.LoadConfig(result), paths, new FeedbackWindow(result.GetValue(since), result.GetValue(until)));
            foreach (var line in FeedbackSnapshots.Lines(manifest, paths.Feedback))
            {
                Console.WriteLine(line);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The chosen pipeline as a monitored one; a usage error naming it when it is not.</summary>
    public static IMonitoredPipeline Monitored(ParseResult result) =>
        CommonOptions.Definition(result) as IMonitoredPipeline
        ?? throw new ConfigException($"pipeline {CommonOptions.Definition(result).Name} does not log its predictions, so it has nothing to monitor");
}
