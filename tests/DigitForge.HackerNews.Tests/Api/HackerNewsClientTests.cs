using System.Diagnostics;
using System.Text;
using DigitForge.HackerNews.Api;
using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Tests.Api;

[Trait("Category", "Unit")]
public sealed class HackerNewsClientTests
{
    private const long Max = 41000013;

    /// <summary>The recorded items' live stories, newest first.</summary>
    private static readonly Story[] LiveStories =
    [
        new(41000013, "How we built a 100 Gbps load balancer in Rust", "https://blog.example.com/100gbps-load-balancer", 187, 42, "jgrahamc", DateTimeOffset.FromUnixTimeSeconds(1721818800)),
        new(41000011, "Ask HN: Sell my side project or keep it?", null, 12, 3, "throwaway_hn", DateTimeOffset.FromUnixTimeSeconds(1721818740)),
        new(41000007, "Show HN: A tiny CSV linter written in Zig", "https://github.com/newposter/csvlint", 1, 0, "newposter", DateTimeOffset.FromUnixTimeSeconds(1721818560)),
        new(41000002, "Pokémon Go, five years on: what the data says", "https://data.example.org/pokemon-go", 3, 0, "zoë", DateTimeOffset.FromUnixTimeSeconds(1721818320)),
        new(41000000, "The Hundred-Year Language, revisited", "https://paulgraham.example.com/hundred.html", 356, 120, "pg", DateTimeOffset.FromUnixTimeSeconds(1721818200)),
    ];

    private static HackerNewsClientOptions Options(FakeHackerNewsApi api, int concurrency = 1) => new()
    {
        BaseUrl = api.BaseUrl,
        Concurrency = concurrency,
        MaxRetries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        RequestTimeout = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task The_newest_live_stories_skip_comments_jobs_polls_deleted_dead_null_and_missing_items()
    {
        using var api = new FakeHackerNewsApi();
        using var client = new HackerNewsClient(Options(api));
        var progress = new List<FetchProgress>();

        var result = await client.FetchNewestStoriesAsync(3, progress: progress.Add);

        result.Stories.Should().Equal(LiveStories[2], LiveStories[1], LiveStories[0]);
        result.Stories[^1].CreatedAt.Should().Be(new DateTimeOffset(2024, 7, 24, 11, 0, 0, TimeSpan.Zero));
        (result.MaxItem, result.IdsScanned, result.Fetched, result.FromCheckpoint, result.ScanLimitReached).Should().Be((Max, 7L, 7, 0, false));
        api.ItemsRequested().Should().Equal(Enumerable.Range(0, 7).Select(offset => Max - offset), "one at a time, the walk stops at the third story");
        progress.Should().Equal(new FetchProgress(1, 3), new FetchProgress(2, 3), new FetchProgress(3, 3));
    }

    [Fact]
    public async Task Concurrent_requests_stay_within_the_bound_and_give_the_same_stories()
    {
        using var api = new FakeHackerNewsApi(answerDelay: TimeSpan.FromMilliseconds(40));
        using var client = new HackerNewsClient(Options(api, concurrency: 3));

        var result = await client.FetchNewestStoriesAsync(5);

        result.Stories.Should().Equal(LiveStories.Reverse());
        api.MostInFlight.Should().Be(3);
        // A few ids below the last story may have been started before it was found.
        api.ItemsRequested().Should().StartWith(Enumerable.Range(0, 14).Select(offset => Max - offset));
        api.ItemsRequested().Should().OnlyContain(id => api.Requests(FakeHackerNewsApi.ItemPath(id)) == 1);
        api.Requests("/v0/maxitem.json").Should().Be(1);
    }

    [Fact]
    public async Task The_id_cap_ends_the_walk_with_the_stories_found()
    {
        using var api = new FakeHackerNewsApi();
        using var client = new HackerNewsClient(Options(api, concurrency: 4) with { MaxIdsScanned = 10 });

        var result = await client.FetchNewestStoriesAsync(5);

        result.Stories.Should().Equal(LiveStories[2], LiveStories[1], LiveStories[0]);
        (result.IdsScanned, result.ScanLimitReached).Should().Be((10L, true));
        api.ItemsRequested().Should().Equal(Enumerable.Range(0, 10).Select(offset => Max - offset));
    }

    [Fact]
    public async Task Server_errors_throttling_and_slow_answers_are_retried()
    {
        using var api = new FakeHackerNewsApi();
        api.Script("/v0/maxitem.json", Fault.TooManyRequests);
        api.Script(FakeHackerNewsApi.ItemPath(41000011), Fault.ServerError, Fault.ServerError);
        api.Script(FakeHackerNewsApi.ItemPath(41000013), Fault.Slow);
        using var client = new HackerNewsClient(Options(api, concurrency: 2));

        var result = await client.FetchNewestStoriesAsync(2);

        result.Stories.Should().Equal(LiveStories[1], LiveStories[0]);
        api.Requests("/v0/maxitem.json").Should().Be(2);
        api.Requests(FakeHackerNewsApi.ItemPath(41000011)).Should().Be(3);
        api.Requests(FakeHackerNewsApi.ItemPath(41000013)).Should().Be(2, "the slow answer timed out after 1 s and was asked again");
    }

    [Fact]
    public async Task A_cut_short_body_is_retried_and_a_wrongly_typed_item_is_named()
    {
        using var api = new FakeHackerNewsApi();
        api.Answer(FakeHackerNewsApi.ItemPath(41000012), """{"by":"tptacek","id":410""");
        using var client = new HackerNewsClient(Options(api));

        (await FluentActions.Awaiting(() => client.FetchNewestStoriesAsync(3)).Should().ThrowAsync<HackerNewsUnavailableException>())
            .WithMessage($"*{api.BaseUrl}v0/item/41000012.json failed 4 time(s)*");

        api.Answer(FakeHackerNewsApi.ItemPath(41000012), """{"id":41000012,"type":"story","title":"Typed wrong","time":"yesterday"}""");
        (await FluentActions.Awaiting(() => client.FetchNewestStoriesAsync(3)).Should().ThrowAsync<InvalidDataException>())
            .WithMessage($"{api.BaseUrl}v0/item/41000012.json: not a Hacker News item (*time*");
    }

    [Fact]
    public async Task A_maxitem_that_keeps_failing_is_a_clear_error_naming_the_url()
    {
        using var api = new FakeHackerNewsApi();
        api.Always("/v0/maxitem.json", Fault.ServerError);
        using var client = new HackerNewsClient(Options(api));

        var error = (await FluentActions.Awaiting(() => client.FetchNewestStoriesAsync(3)).Should().ThrowAsync<HackerNewsUnavailableException>()).Which;

        error.Url.Should().Be(new Uri(api.BaseUrl, "/v0/maxitem.json"));
        error.Message.Should().Be($"The Hacker News API is unavailable: {api.BaseUrl}v0/maxitem.json failed 4 time(s), last with: HTTP 500 Internal Server Error");
        api.Requests("/v0/maxitem.json").Should().Be(4);
        api.ItemsRequested().Should().BeEmpty();
    }

    [Fact]
    public async Task An_unreachable_api_is_a_clear_error_naming_the_url_and_the_cause()
    {
        var closedPort = new Uri($"http://127.0.0.1:{ClosedPort()}");
        using var client = new HackerNewsClient(new HackerNewsClientOptions { BaseUrl = closedPort, MaxRetries = 2, RetryBaseDelay = TimeSpan.FromMilliseconds(5) });
        var clock = Stopwatch.StartNew();

        var error = (await FluentActions.Awaiting(() => client.FetchNewestStoriesAsync(3)).Should().ThrowAsync<HackerNewsUnavailableException>()).Which;

        error.Message.Should().StartWith($"The Hacker News API is unavailable: {closedPort}v0/maxitem.json failed 3 time(s), last with: ")
            .And.Contain("refused");
        error.InnerException.Should().BeOfType<HttpRequestException>();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_rerun_after_a_failed_run_fetches_only_what_the_checkpoint_lacks()
    {
        using var temp = new TempDirectory();
        var checkpoint = Path.Combine(temp.Path, "not-yet-made", "checkpoint.jsonl");
        using var api = new FakeHackerNewsApi();
        api.Always(FakeHackerNewsApi.ItemPath(41000002), Fault.ServerError);
        using var client = new HackerNewsClient(Options(api));

        var failure = await FluentActions.Awaiting(() => client.FetchNewestStoriesAsync(5, checkpoint)).Should().ThrowAsync<HackerNewsUnavailableException>();
        failure.Which.Url.Should().Be(new Uri(api.BaseUrl, FakeHackerNewsApi.ItemPath(41000002)));
        File.ReadAllLines(checkpoint).Should().HaveCount(11, "items 41000013 down to 41000003 were examined before the failure");

        api.Heal(FakeHackerNewsApi.ItemPath(41000002));
        var requestsBefore = api.ItemsRequested().ToDictionary(id => id, id => api.Requests(FakeHackerNewsApi.ItemPath(id)));
        var result = await client.FetchNewestStoriesAsync(5, checkpoint);

        result.Stories.Should().Equal(LiveStories.Reverse());
        (result.Fetched, result.FromCheckpoint).Should().Be((3, 11));
        requestsBefore.Should().OnlyContain(pair => api.Requests(FakeHackerNewsApi.ItemPath(pair.Key)) == pair.Value || pair.Key == 41000002,
            "nothing in the checkpoint is asked for again");
        api.Requests(FakeHackerNewsApi.ItemPath(41000001)).Should().Be(1);
        File.ReadAllLines(checkpoint).Should().HaveCount(14);
    }

    [Fact]
    public async Task A_checkpoint_cut_short_mid_line_loses_only_that_line()
    {
        using var temp = new TempDirectory();
        var checkpoint = temp.File("checkpoint.jsonl");
        using var api = new FakeHackerNewsApi();
        using var client = new HackerNewsClient(Options(api));
        await client.FetchNewestStoriesAsync(2, checkpoint);
        var lines = File.ReadAllLines(checkpoint);
        lines.Should().HaveCount(3);
        lines[0].Should().Be("""{"id":41000013,"type":"story","title":"How we built a 100 Gbps load balancer in Rust","url":"https://blog.example.com/100gbps-load-balancer","score":187,"descendants":42,"by":"jgrahamc","time":1721818800}""");

        // A crash while the fourth line was being written.
        File.AppendAllText(checkpoint, """{"id":41000010,"type":"comm""", Encoding.UTF8);
        var result = await client.FetchNewestStoriesAsync(4, checkpoint);

        result.Stories.Should().Equal(LiveStories[3], LiveStories[2], LiveStories[1], LiveStories[0]);
        (result.Fetched, result.FromCheckpoint).Should().Be((9, 3));
        File.ReadAllLines(checkpoint).Should().OnlyContain(line => System.Text.Json.JsonDocument.Parse(line, default).RootElement.GetProperty("id").GetInt64() > 0);
        File.ReadAllLines(checkpoint).Should().HaveCount(12)
            .And.Contain("""{"id":41000010,"type":"comment","deleted":true,"time":1721818700}""")
            .And.Contain("""{"id":41000006}""", "an item the API has as null is recorded by its id alone")
            .And.Contain("""{"id":41000005}""", "so is one it answers 404 for");
    }

    [Fact]
    public async Task A_checkpoint_damaged_before_its_last_line_is_refused_with_its_line()
    {
        using var temp = new TempDirectory();
        var checkpoint = temp.File("checkpoint.jsonl");
        File.WriteAllText(checkpoint, """{"id":41000013}""" + "\nnot json\n" + """{"id":41000011}""" + "\n");
        using var api = new FakeHackerNewsApi();
        using var client = new HackerNewsClient(Options(api));

        (await FluentActions.Awaiting(() => client.FetchNewestStoriesAsync(2, checkpoint)).Should().ThrowAsync<StoryFormatException>())
            .WithMessage($"{checkpoint}: line 2: not a checkpoint entry*delete the checkpoint to start over");
    }

    private static int ClosedPort()
    {
        var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        var port = ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }
}
