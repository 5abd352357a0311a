using System.Runtime.CompilerServices;
using DigitForge.HackerNews.Scoring;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Store;

namespace DigitForge.Cli.Tests;

[Trait("Category", "Unit")]
public sealed class StoryLogTests : IDisposable
{
    private readonly TempDirectory temp = new();

    [Fact]
    public void Each_scored_story_with_an_id_is_recorded_with_its_own_prediction_and_content_hash()
    {
        var created = DateTimeOffset.FromUnixTimeSeconds(1_721_818_800);
        ScoreRequest[] requests =
        [
            new(1, "41000013", "How we built a load balancer", "https://blog.example.com/lb", created, "jgrahamc"),
            new(2, null, "No id here"),
            new(3, null, null, Error: "line 4: bad row"),
            new(4, "41000000", "The Hundred-Year Language", null, created),
        ];
        var withoutId = new StrongBox<int>();
        var path = temp.File("monitor.db");

        List<ScoreResult> results;
        using (var log = new BatchedPredictionLog(SqliteMonitorStore.Open(path)))
        {
            // Answers a batch behind, as the scorer does: the pairing must not depend on the timing.
            results = [.. StoryLog.Recorded(requests, Score, log, "hn", "v0002-abcdef0", null, withoutId)];
        }

        results.Should().HaveCount(4);
        withoutId.Value.Should().Be(1);
        using var store = SqliteMonitorStore.Open(path);
        store.Predictions("hn", DateTimeOffset.MaxValue).Select(r => (r.Id, r.Value, r.InputHash, r.ModelVersion)).Should().Equal(
            ("41000013", 10.0, StoryLog.InputHash(requests[0]), "v0002-abcdef0"),
            ("41000000", 40.0, StoryLog.InputHash(requests[3]), "v0002-abcdef0"));
        StoryLog.InputHash(requests[0]).Should().NotBe(StoryLog.InputHash(requests[0] with { Author = "someone" }));
    }

    public void Dispose() => temp.Dispose();

    private static IEnumerable<ScoreResult> Score(IEnumerable<ScoreRequest> requests) =>
        requests.Chunk(2).SelectMany(batch => batch.Select(r => r.Title is null
            ? new ScoreResult(r.RowNumber, r.Id, r.Title, null, r.Error)
            : new ScoreResult(r.RowNumber, r.Id, r.Title, r.RowNumber * 10.0, null)));
}
