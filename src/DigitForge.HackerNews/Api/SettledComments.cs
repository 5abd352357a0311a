using System.Globalization;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;

namespace DigitForge.HackerNews.Api;

/// <summary>
/// The Hacker News pipeline's ground truth (<c>digitforge outcomes</c>): the comment count each
/// predicted story has once it has settled, fetched through the API client and recorded as the
/// story's outcome.
/// </summary>
public static class SettledComments
{
    /// <summary>
    /// Records the current comment count of every story of <paramref name="pipeline"/> first predicted at least
    /// <paramref name="settle"/> before <paramref name="now"/> that has no outcome yet. Ids that are not stories
    /// the API knows, and stories deleted or dead since, are counted, not recorded.
    /// </summary>
    public static async Task<GroundTruthReport> RecordAsync(IMonitorStore store, HackerNewsClient client, string pipeline, TimeSpan settle, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var report = new GroundTruthReport();
        var due = store.Unsettled(pipeline, now - settle);
        report.Given = due.Count;
        var ids = new List<long>();
        foreach (var id in due)
        {
            if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                ids.Add(number);
            }
            else
            {
                report.Refuse("unknown id (not a Hacker News item id)", id);
            }
        }

        var outcomes = new List<Outcome>();
        foreach (var item in await client.GetItemsAsync(ids, cancellationToken))
        {
            var id = item.Id.ToString(CultureInfo.InvariantCulture);
            if (item.Type is null)
            {
                report.Refuse("unknown id (no such item)", id);
            }
            else if (item.Type != "story")
            {
                report.Refuse("unknown id (not a story)", $"{id} is a {item.Type}");
            }
            else if (item.Deleted == true || item.Dead == true)
            {
                report.Refuse("story deleted or dead since", id);
            }
            else
            {
                // A story nobody commented on may leave the count out.
                outcomes.Add(new Outcome(pipeline, id, null, item.Descendants ?? 0, now, "outcomes: Hacker News API"));
            }
        }

        store.RecordOutcomes(outcomes);
        report.Recorded = outcomes.Count;
        return report;
    }
}
