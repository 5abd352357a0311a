using System.Globalization;
using DigitForge.HackerNews.Api;
using DigitForge.HackerNews.Scoring;
using DigitForge.HackerNews.Stories;
using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;

namespace DigitForge.HackerNews.Feedback;

/// <summary>
/// The Hacker News feedback export: each predicted story with its settled comment count, its title, URL, submitter and
/// time fetched again through the API client, written as the stories file Ingest writes, ordered by id. Only stories
/// whose content is what was predicted are taken (a title edited since is left out).
/// </summary>
public static class StoryFeedback
{
    public const string StoriesFile = "feedback-stories.csv.gz";

    public static async Task<FeedbackManifest> ExportAsync(IMonitorStore store, HackerNewsClient client, string pipeline, string root, FeedbackWindow window, CancellationToken cancellation = default)
    {
        var leftOut = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var due = new List<(LabelledPrediction Labelled, long Id, int Comments)>();
        foreach (var labelled in LabelledPredictions.Join(store, pipeline, window, leftOut))
        {
            if (labelled.Outcome.Value is not { } comments || !double.IsFinite(comments) || comments < 0)
            {
                LabelledPredictions.LeaveOut(leftOut, "comment count not a number of at least 0");
            }
            else if (!long.TryParse(labelled.Prediction.Id, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                LabelledPredictions.LeaveOut(leftOut, "not a Hacker News item id");
            }
            else
            {
                due.Add((labelled, id, (int)Math.Round(comments)));
            }
        }

        var items = (await client.GetItemsAsync([.. due.Select(d => d.Id)], cancellation)).ToDictionary(item => item.Id);
        var stories = new List<(Story Story, DateTimeOffset At)>();
        foreach (var (labelled, id, comments) in due)
        {
            if (!items.TryGetValue(id, out var item) || item.ToStory() is not { } story)
            {
                LabelledPredictions.LeaveOut(leftOut, "story no longer on the API");
            }
            else if (!Predicted(story, labelled.Prediction.InputHash))
            {
                LabelledPredictions.LeaveOut(leftOut, "story changed since its prediction");
            }
            else
            {
                stories.Add((story with { Comments = comments }, labelled.Prediction.At));
            }
        }

        if (stories.Count == 0)
        {
            throw FeedbackSnapshots.NothingToExport(store, pipeline, leftOut);
        }

        var ordered = stories.OrderBy(s => s.Story.Id).Select(s => s.Story).ToList();
        return FeedbackSnapshots.Write(root, pipeline, new FeedbackContent(
            folder => StoryFile.Write(Path.Combine(folder, StoriesFile), ordered),
            ordered.Count,
            null,
            stories.Min(s => s.At),
            stories.Max(s => s.At),
            leftOut));
    }

    // A story scored from a file was hashed without its submitter, one fetched from the API with it.
    private static bool Predicted(Story story, string inputHash) =>
        StoryLog.InputHash(ScoreRequest.From(0, story)) == inputHash || StoryLog.InputHash(ScoreRequest.From(0, story) with { Author = null }) == inputHash;
}
