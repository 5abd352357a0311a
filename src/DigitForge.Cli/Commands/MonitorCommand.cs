using System.CommandLine;
using DigitForge.Engine.Config;
using DigitForge.Engine.Storage;
using DigitForge.Inference.Drift;
using DigitForge.Monitoring.Reporting;
using DigitForge.Monitoring.Store;
using DigitForge.Remote;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge monitor [--json] [--at=TIME] [--notify=URL]</c>: the pipeline's live performance per day and
/// model version from the prediction log, its outcomes and the registry, judged against the recipe's
/// <c>monitor</c> thresholds. A breach prints one line per threshold on stderr, is sent to <c>--notify</c>,
/// and exits 5.
/// </summary>
public static class MonitorCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of a table." };
        var at = new Option<DateTimeOffset?>("--at") { Description = "Report as of this time (ISO 8601; default now): predictions before it, the version serving then, the day before it judged." };
        var notify = new Option<string?>("--notify") { Description = $"On a breach, POST a repository_dispatch event (drift-detected) to this URL, retried with back-off; {DispatchNotifier.TokenVariable} is sent as a bearer token when set." };
        var command = new Command("monitor", "Live performance per day and model version, drift, the version serving, and the thresholds breached (exit 5).") { json, at, notify };
        command.SetAction(result => Guarded.Run(() =>
        {
            var pipeline = FeedbackCommand.Monitored(result);
            var notifyUrl = result.GetValue(notify) is { } text
                ? Uri.TryCreate(text, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" ? parsed : throw new ConfigException($"--notify={text}: expected an http:// or https:// URL")
                : null;
            var report = Report(result, pipeline, result.GetValue(at) ?? DateTimeOffset.UtcNow);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonConvert.SerializeObject(report, new JsonSerializerSettings
                {
                    ContractResolver = new CamelCasePropertyNamesContractResolver(),
                    Formatting = Formatting.Indented,
                    Converters = [new Newtonsoft.Json.Converters.StringEnumConverter()],
                }));
            }
            else
            {
                foreach (var line in report.Lines())
                {
                    Console.WriteLine(line);
                }
            }

            if (report.Breaches.Count == 0)
            {
                return ExitCodes.Success;
            }

            foreach (var breach in report.Breaches)
            {
                Console.Error.WriteLine(breach.Message);
            }

            if (notifyUrl is { } url)
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                try
                {
                    var attempts = new DispatchNotifier(http).SendAsync(url, DispatchNotifier.Body(report), Environment.GetEnvironmentVariable(DispatchNotifier.TokenVariable)).GetAwaiter().GetResult();
                    Console.Error.WriteLine($"notified {url} ({DispatchNotifier.EventType}, {attempts} attempt{(attempts == 1 ? "" : "s")})");
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // The breach stands either way: its exit code, not the notification's, is what CI acts on.
                    Console.Error.WriteLine($"error: could not notify {url}: {ex.Message}");
                }
            }

            return ExitCodes.ThresholdBreached;
        }));
        return command;
    }

    /// <summary>The chosen pipeline's report as of <paramref name="at"/>: its log, its outcomes, its registry and its recipe's thresholds.</summary>
    public static MonitorReport Report(ParseResult result, Monitoring.IMonitoredPipeline pipeline, DateTimeOffset at)
    {
        var config = pipeline.Monitor(CommonOptions.LoadConfig(result));
        var paths = CommonOptions.Paths(result);
        var registry = RegistrySettings.Open(paths.Models, pipeline.Name);
        var entries = registry.List();
        var numbers = entries.Where(e => e.Stage != Registry.ModelStage.Deleted).ToDictionary(e => e.Name, e => e.Version, StringComparer.Ordinal);
        PredictionProfile? Reference(string version) =>
            numbers.TryGetValue(version, out var number) && Path.Combine(registry.Store.Get(number).Directory, PredictionProfile.FileName) is var file && File.Exists(file)
                ? JsonFile.Read<PredictionProfile>(file)
                : null;

        using var store = MonitorStores.Open(paths.Home);
        return MonitorReport.Build(store, pipeline, config, entries, Reference, at);
    }
}
