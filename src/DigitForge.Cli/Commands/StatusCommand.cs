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
        var restore = new Option<bool>("--restore") { Description = "One stage: if stale but built before (local or remote cache), restore it and say 'restored from cache'." };
        var command = new Command("status", "Show which stages are up to date and why the others are not.") { stage, brief, json, restore };
        command.SetAction(result => Guarded.Run(() =>
        {
            var paths = CommonOptions.Paths(result);
            var pipeline = MnistPipeline.Create(CommonOptions.LoadConfig(result, paths), paths);
            var name = result.GetValue(stage);
            if (name is not null && result.GetValue(restore))
            {
                var found = pipeline.Find(name).Name;
                var log = new CapturingLog(Console.Error, found);
                if (pipeline.TryRestore(found, log))
                {
                    Console.WriteLine(log.Restored);
                    return ExitCodes.Success;
                }
            }

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

    /// <summary>Passes the log on to stderr and keeps the 'restored from cache' line for the one-line answer.</summary>
    private sealed class CapturingLog(TextWriter writer, string stage) : IStageLog
    {
        private readonly TextStageLog inner = new(writer, stage);

        public string Restored { get; private set; } = string.Empty;

        public void Info(string message)
        {
            if (message.StartsWith("restored from cache", StringComparison.Ordinal))
            {
                Restored = message;
            }

            inner.Info(message);
        }

        public void Warning(string message) => inner.Warning(message);
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
