using System.Globalization;
using System.Text;
using DigitForge.Monitoring;

namespace DigitForge.HackerNews.Scoring;

/// <summary>Records scored stories in the prediction log as their results stream out of the scorer.</summary>
public static class StoryLog
{
    /// <summary>
    /// The results of <paramref name="score"/> over <paramref name="requests"/>, each scored story with an id
    /// recorded in <paramref name="log"/> as predicted at <paramref name="at"/> (null: now); <paramref name="withoutId"/> counts scored stories it could not record.
    /// </summary>
    public static IEnumerable<ScoreResult> Recorded(IEnumerable<ScoreRequest> requests, Func<IEnumerable<ScoreRequest>, IEnumerable<ScoreResult>> score, IPredictionLog log, string pipeline, string version, DateTimeOffset? at, System.Runtime.CompilerServices.StrongBox<int> withoutId)
    {
        // The scorer answers in request order, a batch behind the requests it has read: a queue pairs them.
        var pending = new Queue<ScoreRequest>();
        foreach (var result in score(requests.Select(request =>
        {
            pending.Enqueue(request);
            return request;
        })))
        {
            var request = pending.Dequeue();
            if (result.PredictedComments is { } predicted)
            {
                if (request.Id is { } id)
                {
                    log.Record(new PredictionRecord(id, at ?? DateTimeOffset.UtcNow, pipeline, version, null, InputHash(request), null, null, predicted, "score"));
                }
                else
                {
                    withoutId.Value++;
                }
            }

            yield return result;
        }
    }

    /// <summary>The content hash of what the model sees of a story: title, URL, time and submitter.</summary>
    public static string InputHash(ScoreRequest request) => PredictionRecord.HashOf(Encoding.UTF8.GetBytes(string.Join('\n',
        request.Title, request.Url, request.CreatedAt?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), request.Author)));
}
