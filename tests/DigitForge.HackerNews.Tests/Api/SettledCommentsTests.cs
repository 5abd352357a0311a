using DigitForge.HackerNews.Api;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Store;

namespace DigitForge.HackerNews.Tests.Api;

/// <summary><c>digitforge outcomes</c>' work against the loopback fake of the API and a real SQLite prediction log.</summary>
[Trait("Category", "Unit")]
public sealed class SettledCommentsTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-06-10T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private readonly TempDirectory temp = new();

    [Fact]
    public async Task Settled_stories_get_their_comment_count_and_every_id_that_cannot_is_counted()
    {
        using var api = new FakeHackerNewsApi();
        using var store = SqliteMonitorStore.Open(temp.File("monitor.db"));
        var settledAt = Now.AddHours(-50);
        string[] due = ["41000000", "41000002", "41000007", "41000013", "41000001", "41000003", "41000009", "41000005", "not-an-id"];
        store.Append([.. due.Select(id => Predicted(id, settledAt)), Predicted("41000011", Now.AddHours(-2)), Predicted("41000000", Now.AddHours(-1))]);
        using var client = new HackerNewsClient(new HackerNewsClientOptions { BaseUrl = api.BaseUrl, MaxRetries = 1, RetryBaseDelay = TimeSpan.FromMilliseconds(10) });

        var report = await SettledComments.RecordAsync(store, client, "hn", TimeSpan.FromHours(48), Now);

        store.Outcomes("hn").ToDictionary(o => o.Key, o => o.Value.Value).Should().BeEquivalentTo(new Dictionary<string, double?>
        {
            ["41000000"] = 120, ["41000002"] = 0, ["41000007"] = 0, ["41000013"] = 42,
        });
        report.Given.Should().Be(9, "41000011 was predicted 2 hours ago, not yet settled");
        report.Recorded.Should().Be(4);
        report.Refused.Should().BeEquivalentTo(new Dictionary<string, int>
        {
            ["unknown id (not a story)"] = 1,
            ["story deleted or dead since"] = 2,
            ["unknown id (no such item)"] = 1,
            ["unknown id (not a Hacker News item id)"] = 1,
        });
        report.Lines("outcomes").Should().Contain("  unknown id (not a story): 1 (41000001 is a comment)");
        api.Requests("/v0/item/41000011.json").Should().Be(0);

        var again = await SettledComments.RecordAsync(store, client, "hn", TimeSpan.FromHours(48), Now);
        again.Recorded.Should().Be(0, "a story with an outcome is not asked for again");
        api.Requests("/v0/item/41000000.json").Should().Be(1);
    }

    public void Dispose() => temp.Dispose();

    private static PredictionRecord Predicted(string id, DateTimeOffset at) => new(id, at, "hn", "v0001-abcdef0", null, PredictionRecord.HashOf([1]), null, null, 10, "score");
}
