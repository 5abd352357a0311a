using System.CommandLine;
using DigitForge.Cli.Pipeline;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using Newtonsoft.Json;

namespace DigitForge.Cli.Commands;

/// <summary><c>digitforge status [STAGE]</c>: up to date or stale, and why, without running anything.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var stage = new Argument<string?>("stage") { Description = "One stage (default: all).", Arity = ArgumentArity.ZeroOrOne };
        var brief = new Option<bool>("--brief") { Description = "One line for one stage: 'up to date (fingerprint)' or 'stale: reasons'." };
        var json = new Option<bool>("--json") { Description = "Machine-readable output." };
        var command = new Command("status", "Show which stages are up to date and why the others are not.") { stage, brief, json };
        command.SetAction(result => Guarded.Run(() =>
        {
            var paths = CommonOptions.Paths(result);
            var pipeline = MnistPipeline.Create(CommonOptions.LoadConfig(result, paths), paths);
            var name = result.GetValue(stage);
            var statuses = name is null ? pipeline.StatusAll() : [pipeline.Status(pipeline.Find(name).Name)];
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonConvert.SerializeObject(statuses, JsonFile.Settings));
            }
            else if (result.GetValue(brief))
            {
                Console.WriteLine(string.Join(Environment.NewLine, statuses.Select(s => s.Describe())));
            }
            else
            {
                Print(statuses);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static void Print(IReadOnlyList<StageStatus> statuses)
    {
        foreach (var status in statuses)
        {
            Console.WriteLine($"{status.Stage,-11} {(status.UpToDate ? "up to date" : "stale"),-11} {status.ShortFingerprint}");
            foreach (var reason in status.Reasons)
            {
                Console.WriteLine($"{string.Empty,-11} - {reason}");
            }
        }
    }
}
