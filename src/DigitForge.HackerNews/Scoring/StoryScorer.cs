using DigitForge.Engine.Config;
using DigitForge.Engine.Pipelines;
using DigitForge.HackerNews.Api;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Stories;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Store;
using DigitForge.Registry.Store;
using DigitForge.Remote;

namespace DigitForge.HackerNews.Scoring;

/// <summary>
/// The Hacker News scorer: predicted comment counts for a CSV or JSON Lines file of stories, or for the newest stories
/// on the API (the seed's inference asset), with a version of the registry. Bad rows become error rows.
/// </summary>
public sealed class StoryScorer : IPipelineScorer
{
    public string InputDescription => "a CSV or JSON Lines file of stories (optionally .gz; title required, url and time optional), or --latest=N";

    public ScoreOutcome Score(Engine.Pipelines.ScoreRequest request, CancellationToken cancellation)
    {
        // Writing is atomic and never resumes: the file is replaced whole, so --overwrite is what it always does.
        request.RefuseOtherThan("--input", "--latest", "--overwrite", "--log");
        if (request.Input is null == request.Latest is null)
        {
            throw new ConfigException("score needs exactly one of --input=FILE or --latest=N");
        }

        var registry = RegistrySettings.Open(request.Paths.Models, request.Paths.Pipeline);
        var store = registry.Store;
        var version = store.Get(ModelReference.ResolveOrProduction(registry, request.Model));
        store.EnsureIntact(version);
        var scorer = NewsScorer.Load(version.File(Featurizer.ModelFile), version.Directory);

        var requests = request.Input is { } file
            ? StoryInputFile.Read(file).Select(ScoreRequest.From)
            : Newest(request.Latest!.Value, ConfigLoader<NewsConfig>.Load(request.ConfigFile, request.Overrides));
        var format = request.Output.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || request.Output.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? ScoreFormat.JsonLines
            : ScoreFormat.Csv;
        requests = requests.TakeWhile(_ => !cancellation.IsCancellationRequested);
        using var predictions = request.Record ? new BatchedPredictionLog(MonitorStores.Open(request.Paths.Home)) : null;
        var withoutId = new System.Runtime.CompilerServices.StrongBox<int>();
        var results = predictions is null ? scorer.Score(requests) : StoryLog.Recorded(requests, scorer.Score, predictions, request.Paths.Pipeline, version.Name, request.At, withoutId);
        var summary = ScoreOutput.Write(request.Output, results, format);
        request.Log.WriteLine($"{summary.Rows} stories, {summary.Rows - summary.Errors} scored, {summary.Errors} errors, with {version.Name}: {request.Output}");
        if (predictions is not null)
        {
            predictions.Dispose(); // stores what is pending, so the count below is complete
            request.Log.WriteLine($"prediction log: {predictions.Written} predictions recorded in {predictions.Location}"
                + (withoutId.Value > 0 ? $"; {withoutId.Value} scored stories without an id not recorded" : string.Empty)
                + (predictions.Lost > 0 ? $"; {predictions.Lost} lost: {predictions.LastError}" : string.Empty));
        }

        return cancellation.IsCancellationRequested ? ScoreOutcome.Cancelled
            : summary.Errors == 0 ? ScoreOutcome.Scored
            : ScoreOutcome.CompletedWithFailures;
    }

    private static IEnumerable<ScoreRequest> Newest(int count, NewsConfig config)
    {
        using var client = new HackerNewsClient(config.Data.Api.ToClientOptions());
        var fetched = client.FetchNewestStoriesAsync(count).GetAwaiter().GetResult();
        return [.. fetched.Stories.Select((story, index) => ScoreRequest.From(index + 1, story))];
    }
}
