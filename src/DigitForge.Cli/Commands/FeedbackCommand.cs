using System.CommandLine;
using DigitForge.Engine.Config;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge feedback --input=labels.csv|FOLDER</c>: ground truth for logged predictions, given later:
/// a CSV of <c>path,label</c> or a folder of label sub-folders (a regression's labels are numbers).
/// Entries that cannot be recorded are counted and shown; then the exit code is 4.
/// </summary>
public static class FeedbackCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "A CSV of path,label (paths relative to the file; ids as logged also match) or a folder with one sub-folder per label.", Required = true };
        var command = new Command("feedback", "Record the true labels of logged predictions, joined by id, file path or file content.") { input };
        command.SetAction(result => Guarded.Run(() =>
        {
            var pipeline = Monitored(result);
            var paths = CommonOptions.Paths(result);
            var file = Path.GetFullPath(result.GetValue(input)!, paths.Root);
            var entries = LabelFeedback.Read(file);
            using var store = MonitorStores.Open(paths.Home);
            var report = LabelFeedback.Record(store, pipeline.Name, pipeline.Classes, entries, $"feedback {Path.GetFileName(file)}", DateTimeOffset.UtcNow);
            foreach (var line in report.Lines($"feedback into {store.Location}"))
            {
                Console.WriteLine(line);
            }

            return report.Refused.Count == 0 ? ExitCodes.Success : ExitCodes.CompletedWithFailures;
        }));
        return command;
    }

    /// <summary>The chosen pipeline as a monitored one; a usage error naming it when it is not.</summary>
    public static IMonitoredPipeline Monitored(ParseResult result) =>
        CommonOptions.Definition(result) as IMonitoredPipeline
        ?? throw new ConfigException($"pipeline {CommonOptions.Definition(result).Name} does not log its predictions, so it has nothing to monitor");
}
