using System.CommandLine;
using DigitForge.Engine.Config;
using DigitForge.HackerNews;
using DigitForge.HackerNews.Api;
using DigitForge.Monitoring.Store;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge outcomes</c> (pipeline hn): the comment count of each logged story predicted at least
/// <c>monitor.settleHours</c> ago, fetched through the Hacker News API client and recorded as its outcome.
/// Ids that cannot be recorded are counted and shown; then the exit code is 4.
/// </summary>
public static class OutcomesCommand
{
    public static Command Create()
    {
        var at = new Option<DateTimeOffset?>("--at") { Description = "Judge what has settled as of this time (ISO 8601; default now)." };
        var command = new Command("outcomes", "Record the settled comment counts of logged Hacker News stories (pipeline hn).") { at };
        command.SetAction(result => Guarded.Run(() =>
        {
            if (CommonOptions.Definition(result) is not HackerNewsPipeline pipeline)
            {
                throw new ConfigException("digitforge outcomes fetches Hacker News comment counts (pipeline hn); give other pipelines' ground truth with digitforge feedback --input=FILE");
            }

            var config = (NewsConfig)CommonOptions.LoadConfig(result);
            var paths = CommonOptions.Paths(result);
            var now = result.GetValue(at) ?? DateTimeOffset.UtcNow;
            using var store = MonitorStores.Open(paths.Home);
            using var client = new HackerNewsClient(config.Data.Api.ToClientOptions());
            var report = SettledComments.RecordAsync(store, client, pipeline.Name, TimeSpan.FromHours(config.Monitor.SettleHours), now).GetAwaiter().GetResult();
            foreach (var line in report.Lines($"outcomes of stories predicted before {now - TimeSpan.FromHours(config.Monitor.SettleHours):u} into {store.Location}"))
            {
                Console.WriteLine(line);
            }

            return report.Refused.Count == 0 ? ExitCodes.Success : ExitCodes.CompletedWithFailures;
        }));
        return command;
    }
}
