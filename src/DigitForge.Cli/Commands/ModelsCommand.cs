using System.CommandLine;
using System.Globalization;
using DigitForge.Cli.Pipeline;
using DigitForge.Registry;
using DigitForge.Registry.Store;

namespace DigitForge.Cli.Commands;

/// <summary><c>digitforge models</c>: the registry's versions; <c>models rollback</c> moves production back.</summary>
public static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "List model versions with stage, accuracy and date.");
        command.SetAction(result => Guarded.Run(() =>
        {
            var registry = Open(result);
            foreach (var entry in registry.List())
            {
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{entry.Name}  {entry.Stage.ToString().ToLowerInvariant(),-10}  accuracy {entry.Metrics.Accuracy:P2}  lowest recall {entry.Metrics.LowestRecall:P2} (digit {entry.Metrics.LowestRecallLabel})  {entry.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm}"));
            }

            return ExitCodes.Success;
        }));

        var to = new Option<int?>("--to") { Description = "Version number to restore (default: the production before the current one)." };
        var rollback = new Command("rollback", "Make an earlier version production again (recorded in the registry).") { to };
        rollback.SetAction(result => Guarded.Run(() =>
        {
            var entry = Open(result).Rollback(result.GetValue(to));
            Console.WriteLine($"production is now {entry.Name}");
            return ExitCodes.Success;
        }));
        command.Subcommands.Add(rollback);
        return command;
    }

    private static ModelRegistry Open(ParseResult result) =>
        new(new ModelStore(CommonOptions.Paths(result).Models));
}
