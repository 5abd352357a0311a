using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitForge.Engine.Pipelines;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Scoring;

namespace DigitForge.HackerNews.Serving;

/// <summary>
/// Hacker News served: a story as the API's item names it (<c>title</c>, <c>url</c>, <c>time</c>, <c>by</c>, and its
/// <c>id</c> for feedback) to its predicted comment count, with a version's featurizer and model.
/// </summary>
public sealed class StoryServer : IPipelineServer
{
    private const string PredictedComments = "predictedComments";

    public IReadOnlyList<ServedField> RequestFields { get; } =
    [
        new("id", "integer", false, "The story's id; feedback names it later. Default: the request's id."),
        new("title", "string", true, "The story's title."),
        new("url", "string", false, "The link; absent for a text post.", "uri"),
        new("time", "integer", false, "Submission time, Unix seconds (as the API gives it); absent: the training average."),
        new("by", "string", false, "The submitter's user name."),
    ];

    public IReadOnlyList<ServedField> ResponseFields { get; } = [new(PredictedComments, "number", true, "The predicted comment count (never negative).")];

    public ServedField OutcomeField { get; } = new("comments", "integer", true, "The comment count the story settled at.");

    public IServedModel Load(string versionFolder, int threads) =>
        new ServedStoryModel(NewsPredictor.Load(Path.Combine(versionFolder, Featurizer.ModelFile), versionFolder));

    private sealed class ServedStoryModel(NewsPredictor predictor) : IServedModel
    {
        public ServedPrediction Predict(JsonElement request)
        {
            if (request.ValueKind != JsonValueKind.Object)
            {
                throw new ServedInputException("$", $"expected a JSON object with a title, got {request.ValueKind}");
            }

            var id = ServedRequest.Optional(request, "id", JsonValueKind.Number) is { } number
                ? number.TryGetInt64(out var value) && value >= 0 ? value.ToString(CultureInfo.InvariantCulture) : throw new ServedInputException("id", $"id {number}: expected a whole number, 0 or more")
                : null;
            var title = ServedRequest.Optional(request, "title", JsonValueKind.String)?.GetString();
            if (string.IsNullOrWhiteSpace(title))
            {
                throw new ServedInputException("title", "title: required, a non-empty string");
            }

            var url = ServedRequest.Optional(request, "url", JsonValueKind.String)?.GetString();
            var time = ServedRequest.Optional(request, "time", JsonValueKind.Number) is { } seconds
                ? seconds.TryGetInt64(out var unix) && unix is >= 0 and <= 253_402_300_799 ? DateTimeOffset.FromUnixTimeSeconds(unix) : throw new ServedInputException("time", $"time {seconds}: expected Unix seconds, a whole number from 0")
                : (DateTimeOffset?)null;
            var by = ServedRequest.Optional(request, "by", JsonValueKind.String)?.GetString();

            var comments = predictor.Predict(new SubmittedStory(title, url, time, by));
            var hash = StoryLog.InputHash(new Scoring.ScoreRequest(0, id, title, url, time, by));
            return new ServedPrediction(new JsonObject { [PredictedComments] = comments }, id, hash, null, null, comments);
        }

        public JsonObject Describe() => new() { ["target"] = predictor.Target.ToString().ToLowerInvariant() };

        public void Dispose() => predictor.Dispose();
    }
}
