using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;

namespace DigitForge.HackerNews.Scoring;

/// <summary>
/// Batch scoring with a saved featurizer and model. Requests are read lazily and scored in batches,
/// so a large input never sits in memory whole; a bad row gets an error result and scoring goes on.
/// </summary>
public sealed class NewsScorer
{
    private const int BatchSize = 1024;

    private readonly NewsPredictor _predictor;

    private NewsScorer(NewsPredictor predictor) => _predictor = predictor;

    /// <summary>Loads <paramref name="featurizerPath"/> (<c>featurizer.zip</c>) and the model folder Train wrote (<c>model.zip</c>, <c>training.json</c>).</summary>
    public static NewsScorer Load(string featurizerPath, string modelDirectory) => new(NewsPredictor.Load(featurizerPath, modelDirectory));

    /// <summary>One result per request, in the order of <paramref name="requests"/>.</summary>
    public IEnumerable<ScoreResult> Score(IEnumerable<ScoreRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        foreach (var batch in requests.Chunk(BatchSize))
        {
            var valid = batch.Where(r => Problem(r) is null).ToList();
            var predicted = _predictor.Predict([.. valid.Select(r => new SubmittedStory(r.Title!, r.Url, r.CreatedAt, r.Author))]);
            var next = 0;
            foreach (var request in batch)
            {
                yield return Problem(request) is { } problem
                    ? new ScoreResult(request.RowNumber, request.Id, request.Title, null, problem)
                    : new ScoreResult(request.RowNumber, request.Id, request.Title, predicted[next++], null);
            }
        }
    }

    private static string? Problem(ScoreRequest request) =>
        request.Error ?? (string.IsNullOrWhiteSpace(request.Title) ? $"row {request.RowNumber}: the title is missing" : null);
}
