using System.CommandLine;
using DigitForge.Engine.Config;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Store;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge outcomes</c>: for a pipeline that fetches its own ground truth (<see cref="IOutcomeSource"/>, the Hacker
/// News pipeline's settled comment counts), the outcome of each logged prediction made at least <c>monitor.settleHours</c>
/// ago, recorded. Ids that cannot be recorded are counted and shown; then the exit code is 4.
/// </summary>
public static class OutcomesCommand
{
    public static Command Create()
    {
        var at = new Option<DateTimeOffset?>("--at") { Description = "Judge what has settled as of this time (ISO 8601; default now)." };
        var command = new Command("outcomes", "Record the settled outcomes of logged predictions, for a pipeline that fetches its own (hn: comment counts).") { at };
        command.SetAction(result => Guarded.Run(() =>
        {
            var definition = CommonOptions.Definition(result);
            if (definition is not IOutcomeSource source)
            {
                throw new ConfigException($"pipeline {definition.Name} fetches no outcomes of its own; give its ground truth with digitforge feedback --input=FILE");
            }

            var config = CommonOptions.LoadConfig(result);
            var now = result.GetValue(at) ?? DateTimeOffset.UtcNow;
            using var store = MonitorStores.Open(CommonOptions.Paths(result).Home);
            var report = source.RecordOutcomes(store, config, now);
            foreach (var line in report.Lines($"outcomes of predictions made before {source.SettledBefore(config, now):u} into {store.Location}"))
            {
                Console.WriteLine(line);
            }

            return report.Refused.Count == 0 ? ExitCodes.Success : ExitCodes.CompletedWithFailures;
        }));
        return command;
    }
}
