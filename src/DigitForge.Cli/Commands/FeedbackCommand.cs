using System.CommandLine;
using DigitForge.Engine.Caching;
using DigitForge.Engine.Config;
using DigitForge.Engine.Pipelines;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;
using DigitForge.Remote;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge feedback --input=labels.csv|FOLDER [--at=TIME]</c>: ground truth for logged predictions, given later:
/// a CSV of <c>path,label</c> or a folder of label sub-folders (a regression's labels are numbers).
/// Entries that cannot be recorded are counted and shown; then the exit code is 4.
/// <c>digitforge feedback export [--since=TIME] [--until=TIME]</c>: the labelled feedback as a snapshot a recipe can train on.
/// <c>digitforge feedback push ID...</c> and <c>pull [ID...]</c>: snapshots through the remote cache, for machines that do not keep their disk.
/// </summary>
public static class FeedbackCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "A CSV of path,label (paths relative to the file; ids as logged also match) or a folder with one sub-folder per label.", Required = true };
        var at = new Option<DateTimeOffset?>("--at") { Description = "Record the labels as given at this time (ISO 8601; default now)." };
        var command = new Command("feedback", "Record the true labels of logged predictions, joined by id, file path or file content.") { input, at, ExportCommand(), PushCommand(), PullCommand() };
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
            var pipeline = Exporter(result);
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

    private static Command PushCommand()
    {
        var ids = new Argument<string[]>("id") { Description = "Snapshot ids, as feedback export prints them.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("push", $"Upload feedback snapshots, verified, to the remote cache ({RemoteCacheSettings.RemoteVariable}) so another machine can pull them.") { ids };
        command.SetAction(result => Guarded.Run(() =>
        {
            Exporter(result);
            var remote = RemoteCacheSettings.FromEnvironment()
                ?? throw new ConfigException($"feedback push: no remote cache to push to; set {RemoteCacheSettings.RemoteVariable}");
            var paths = CommonOptions.Paths(result);
            foreach (var id in result.GetValue(ids)!)
            {
                var snapshot = FeedbackRemote.Push(remote, paths.Feedback, paths.Pipeline, id);
                Console.WriteLine($"pushed feedback snapshot {id} ({snapshot.Manifest.Count} examples) to {remote.Name} as {FeedbackRemote.EntryName(paths.Pipeline, id)}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command PullCommand()
    {
        var ids = new Argument<string[]>("id") { Description = "Snapshot ids (default: those the recipe's data.feedback names).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("pull", $"Fetch feedback snapshots missing here from the remote cache ({RemoteCacheSettings.RemoteVariable}), verified by their content hash: those given, or the recipe's.") { ids };
        command.SetAction(result => Guarded.Run(() =>
        {
            var pipeline = Exporter(result);
            var paths = CommonOptions.Paths(result);
            var wanted = result.GetValue(ids) is { Length: > 0 } given ? given : pipeline.FeedbackIds(CommonOptions.LoadConfig(result));
            if (wanted.Count == 0)
            {
                Console.WriteLine($"{CommonOptions.ConfigFile(result, paths)}: {ConfigCommand.FeedbackKey} names no snapshot; nothing to pull");
            }

            var remote = RemoteCacheSettings.FromEnvironment();
            foreach (var id in wanted)
            {
                Console.WriteLine(Fetched(remote, paths, id));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>The snapshot here or pulled from <paramref name="remote"/>, as one line saying which; an error naming where it looked when neither.</summary>
    public static string Fetched(IRemoteCache? remote, PipelinePaths paths, string id)
    {
        var (snapshot, pulled) = FeedbackRemote.Fetch(remote, paths.Feedback, paths.Pipeline, id);
        return pulled
            ? $"pulled feedback snapshot {id} ({snapshot.Manifest.Count} examples) from {remote!.Name} into {snapshot.Directory}"
            : $"feedback snapshot {id} ({snapshot.Manifest.Count} examples) is in {snapshot.Directory}";
    }

    /// <summary>The chosen pipeline as one whose feedback becomes training data; a usage error naming it when it is not.</summary>
    public static IFeedbackExporter Exporter(ParseResult result) =>
        CommonOptions.Definition(result) as IFeedbackExporter
        ?? throw new ConfigException($"pipeline {CommonOptions.Definition(result).Name} cannot turn its feedback into training data");

    /// <summary>The chosen pipeline as a monitored one; a usage error naming it when it is not.</summary>
    public static IMonitoredPipeline Monitored(ParseResult result) =>
        CommonOptions.Definition(result) as IMonitoredPipeline
        ?? throw new ConfigException($"pipeline {CommonOptions.Definition(result).Name} does not log its predictions, so it has nothing to monitor");
}
