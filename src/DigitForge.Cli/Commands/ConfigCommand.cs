using System.CommandLine;
using DigitForge.Engine.Config;
using DigitForge.Engine.Storage;
using DigitForge.Remote;
using Newtonsoft.Json;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge config</c>: validates the recipe and prints it fully resolved.
/// <c>digitforge config add-feedback ID</c>: names a feedback snapshot in the recipe file's <c>data.feedback</c>.
/// </summary>
public static class ConfigCommand
{
    /// <summary>The recipe key that lists the feedback snapshots a build trains on.</summary>
    public const string FeedbackKey = "data.feedback";

    public static Command Create()
    {
        var command = new Command("config", "Validate the recipe (with overrides) and print it resolved.");
        command.Subcommands.Add(ConfigSchemaCommand.Create());
        command.Subcommands.Add(AddFeedbackCommand());
        command.SetAction(result => Guarded.Run(() =>
        {
            var config = CommonOptions.LoadConfig(result);
            Console.WriteLine(JsonConvert.SerializeObject(config, JsonFile.Settings));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command AddFeedbackCommand()
    {
        var id = new Argument<string>("id") { Description = "The snapshot's id, as feedback export prints it." };
        var command = new Command("add-feedback", $"Add a feedback snapshot to the recipe file's {FeedbackKey} (--config), in place; the snapshot must be here or in the remote cache ({RemoteCacheSettings.RemoteVariable}), which it is then pulled from.") { id };
        command.SetAction(result => Guarded.Run(() =>
        {
            FeedbackCommand.Exporter(result);
            var paths = CommonOptions.Paths(result);
            var file = CommonOptions.ConfigFile(result, paths);
            var snapshot = result.GetValue(id)!;

            // The recipe must be valid before it is edited, and the snapshot must exist: a build of it would fail otherwise.
            _ = CommonOptions.LoadConfig(result);
            Console.WriteLine(FeedbackCommand.Fetched(RemoteCacheSettings.FromEnvironment(), paths, snapshot));
            Console.WriteLine(RecipeFile.AddToList(file, FeedbackKey, snapshot)
                ? $"{file}: {FeedbackKey} += \"{snapshot}\""
                : $"{file}: {FeedbackKey} names {snapshot} already; unchanged");
            return ExitCodes.Success;
        }));
        return command;
    }
}
