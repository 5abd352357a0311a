using System.CommandLine;
using DigitForge.Engine.Storage;
using Newtonsoft.Json;

namespace DigitForge.Cli.Commands;

/// <summary><c>digitforge config</c>: validates the recipe and prints it fully resolved.</summary>
public static class ConfigCommand
{
    public static Command Create()
    {
        var command = new Command("config", "Validate the recipe (with overrides) and print it resolved.");
        command.Subcommands.Add(ConfigSchemaCommand.Create());
        command.SetAction(result => Guarded.Run(() =>
        {
            var config = CommonOptions.LoadConfig(result);
            Console.WriteLine(JsonConvert.SerializeObject(config, JsonFile.Settings));
            return ExitCodes.Success;
        }));
        return command;
    }
}
