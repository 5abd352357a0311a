using System.CommandLine;
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
        var restore = new Option<bool>("--restore") { Description = "One stage: if stale but built before (local or remote cache), restore it and say 'restored from cache'." };
        var command = new Command("status", "Show which stages are up to date and why the others are not.") { stage, brief, json, restore };
        command.SetAction(result => Guarded.Run(() =>
        {
            var pipeline = CommonOptions.Graph(result);
            var name = result.GetValue(stage) is { } wanted ? pipeline.Find(wanted).Name : null;
            var restoring = name is not null && result.GetValue(restore);
            var statuses = name is null ? pipeline.StatusAll()
                : [restoring ? pipeline.StatusRestoring(name, new TextStageLog(Console.Error, name)) : pipeline.Status(name)];
            if (restoring)
            {
                RunRecorder.StageChecked(result, pipeline, statuses[0]);
            }

            if (restoring && statuses[0].Restored is not null)
            {
                Console.WriteLine(statuses[0].Describe());
                return ExitCodes.Success;
            }

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
