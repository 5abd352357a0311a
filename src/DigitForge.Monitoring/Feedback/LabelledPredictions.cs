using DigitForge.Monitoring.Store;

namespace DigitForge.Monitoring.Feedback;

/// <summary>The predictions a feedback export takes: those made from <see cref="Since"/> (inclusive) until <see cref="Until"/> (exclusive); null: no bound.</summary>
public sealed record FeedbackWindow(DateTimeOffset? Since, DateTimeOffset? Until);

/// <summary>A logged prediction with the ground truth recorded for its id.</summary>
public sealed record LabelledPrediction(PredictionRecord Prediction, Outcome Outcome);

/// <summary>
/// The join a feedback export starts from: each id predicted in the window, once (its first prediction there), with its
/// recorded outcome. Ids without one are counted as left out, as everything an export leaves out is.
/// </summary>
public static class LabelledPredictions
{
    public const string NoGroundTruth = "no ground truth recorded yet";

    public static IEnumerable<LabelledPrediction> Join(IMonitorStore store, string pipeline, FeedbackWindow window, IDictionary<string, int> leftOut)
    {
        var outcomes = store.Outcomes(pipeline);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prediction in store.Predictions(pipeline, window.Until ?? DateTimeOffset.MaxValue))
        {
            if (prediction.At < window.Since || !seen.Add(prediction.Id))
            {
                continue;
            }

            if (outcomes.TryGetValue(prediction.Id, out var outcome))
            {
                yield return new LabelledPrediction(prediction, outcome);
            }
            else
            {
                LeaveOut(leftOut, NoGroundTruth);
            }
        }
    }

    public static void LeaveOut(IDictionary<string, int> leftOut, string why) => leftOut[why] = leftOut.TryGetValue(why, out var count) ? count + 1 : 1;
}
