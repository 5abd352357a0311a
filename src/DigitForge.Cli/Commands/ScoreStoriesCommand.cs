using System.CommandLine;
using DigitForge.HackerNews;
using DigitForge.HackerNews.Api;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Scoring;
using DigitForge.HackerNews.Stories;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Store;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using DigitForge.Storage;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge score</c> (Hacker News pipeline): predicted comment counts for a CSV or JSON Lines
/// file of stories, or for the newest stories on the API (the seed's inference asset), with the
/// registry's production model. Bad rows become error rows; the exit codes are those of image scoring.
/// </summary>
public static class ScoreStoriesCommand
{
    public static Command Create()
    {
        var input = new Option<string?>("--input") { Description = "Stories to score: CSV or JSON Lines (optionally .gz); title required, url and time optional." };
        var latest = new Option<int?>("--latest") { Description = "Score the newest N stories from the Hacker News API instead of a file." };
        var output = new Option<string>("--out") { Description = "Where the predictions go (.csv or .jsonl).", DefaultValueFactory = _ => "predictions.csv" };
        var model = new Option<string?>("--model") { Description = "Model version (7, v0007, v0007-3fa2c1d or production; default production)." };
        var log = new Option<bool>("--log") { Description = "Record each scored story (id, time, model version, content hash, predicted count) in the pipeline's prediction log: DIGITFORGE_MONITOR (postgres://...) or artifacts/<pipeline>/monitor.db." };
        var command = new Command("score", "Predict comment counts for stories with the registry's production model (pipeline hn).") { input, latest, output, model, log };
        command.SetAction(result => Guarded.Run(() =>
        {
            if (CommonOptions.Definition(result) is not HackerNewsPipeline)
            {
                throw new Engine.Config.ConfigException($"digitforge score scores stories of pipeline hn; for images use digitforge-score (./build.sh --target=Score --input=DIR)");
            }

            if (result.GetValue(input) is null == result.GetValue(latest) is null)
            {
                throw new Engine.Config.ConfigException("score needs exactly one of --input=FILE or --latest=N");
            }

            var paths = CommonOptions.Paths(result);
            var registry = RegistrySettings.Open(paths.Models, CommonOptions.Definition(result).Name);
            var store = registry.Store;
            var version = store.Get(ModelsCommand.Resolve(registry, result.GetValue(model)));
            store.EnsureIntact(version);
            var scorer = NewsScorer.Load(Path.Combine(version.Directory, Featurizer.ModelFile), version.Directory);

            var requests = result.GetValue(input) is { } file
                ? StoryInputFile.Read(Path.GetFullPath(file, paths.Root)).Select(ScoreRequest.From)
                : Newest(result.GetValue(latest)!.Value, (NewsConfig)CommonOptions.LoadConfig(result));
            var target = Path.GetFullPath(result.GetValue(output)!, paths.Root);
            var format = target.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || target.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ScoreFormat.JsonLines : ScoreFormat.Csv;
            using var predictions = result.GetValue(log) ? new BatchedPredictionLog(MonitorStores.Open(paths.Home)) : null;
            var withoutId = new System.Runtime.CompilerServices.StrongBox<int>();
            var results = predictions is null ? scorer.Score(requests) : StoryLog.Recorded(requests, scorer.Score, predictions, paths.Pipeline, version.Name, withoutId);
            var summary = ScoreOutput.Write(target, results, format);
            Console.WriteLine($"{summary.Rows} stories, {summary.Rows - summary.Errors} scored, {summary.Errors} errors, with {version.Name}: {target}");
            if (predictions is not null)
            {
                predictions.Dispose(); // stores what is pending, so the count below is complete
                Console.WriteLine($"prediction log: {predictions.Written} predictions recorded in {predictions.Location}"
                    + (withoutId.Value > 0 ? $"; {withoutId.Value} scored stories without an id not recorded" : string.Empty)
                    + (predictions.Lost > 0 ? $"; {predictions.Lost} lost: {predictions.LastError}" : string.Empty));
            }

            return summary.Errors == 0 ? ExitCodes.Success : ExitCodes.CompletedWithFailures;
        }));
        return command;
    }

    private static IEnumerable<ScoreRequest> Newest(int count, NewsConfig config)
    {
        using var client = new HackerNewsClient(config.Data.Api.ToClientOptions());
        var fetched = client.FetchNewestStoriesAsync(count).GetAwaiter().GetResult();
        return [.. fetched.Stories.Select((story, index) => ScoreRequest.From(index + 1, story))];
    }
}
