using System.Globalization;
using System.Net;
using System.Text.Json;
using DigitForge.HackerNews.Stories;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace DigitForge.HackerNews.Api;

/// <summary>Stories found so far (newest first, without gaps) against the number wanted.</summary>
public readonly record struct FetchProgress(int Stories, int Target);

/// <summary>What a fetch found and how.</summary>
/// <param name="Stories">The newest stories, at most the number asked for, in id order.</param>
/// <param name="MaxItem">The API's newest item id when the fetch started.</param>
/// <param name="IdsScanned">Item ids examined, from MaxItem down.</param>
/// <param name="Fetched">Items asked of the API (not counting retries).</param>
/// <param name="FromCheckpoint">Items taken from the checkpoint instead.</param>
/// <param name="ScanLimitReached">Whether the id cap stopped the walk before enough stories were found.</param>
public sealed record NewestStories(IReadOnlyList<Story> Stories, long MaxItem, long IdsScanned, int Fetched, int FromCheckpoint, bool ScanLimitReached);

/// <summary>
/// Reads stories from the Hacker News Firebase API (v0): walks item ids down from maxitem and keeps
/// live stories with a title, asking for several items at once, retrying transient failures with
/// exponential back-off and jitter, and recording every item examined in an optional checkpoint.
/// </summary>
public sealed class HackerNewsClient : IDisposable
{
    private const int IdsScannedPerStory = 50;

    private readonly HackerNewsClientOptions options;
    private readonly HttpClient http;
    private readonly ResiliencePipeline pipeline;

    public HackerNewsClient(HackerNewsClientOptions? options = null)
    {
        this.options = options ?? new HackerNewsClientOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(this.options.Concurrency, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(this.options.MaxRetries, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(this.options.RequestTimeout, TimeSpan.Zero, nameof(options));

        // Polly owns the per-attempt timeout, so HttpClient's own stays out of the way.
        http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = this.options.Concurrency }) { Timeout = Timeout.InfiniteTimeSpan };
        var builder = new ResiliencePipelineBuilder();
        if (this.options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = this.options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = this.options.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } error && IsTransient(error)),
            });
        }

        // Inside the retry, so the timeout applies to each attempt.
        pipeline = builder.AddTimeout(this.options.RequestTimeout).Build();
    }

    /// <summary>
    /// The newest <paramref name="count"/> live stories (type "story", not deleted or dead, with a
    /// title). Items already in <paramref name="checkpointPath"/> are not asked for again; every
    /// item examined is appended to it. <paramref name="progress"/> is called from worker threads,
    /// one call at a time, each time more stories are found.
    /// </summary>
    /// <exception cref="HackerNewsUnavailableException">maxitem or an item kept failing.</exception>
    public async Task<NewestStories> FetchNewestStoriesAsync(
        int count,
        string? checkpointPath = null,
        Action<FetchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var maxItem = await GetMaxItemAsync(cancellationToken);
        var scanLimit = options.MaxIdsScanned ?? (long)count * IdsScannedPerStory;
        var lowestId = Math.Max(1, maxItem - scanLimit + 1);

        using var checkpoint = checkpointPath is null ? null : FetchCheckpoint.Open(checkpointPath);
        var walk = new NewestWalk(maxItem, count, progress);
        var fetched = 0;
        var fromCheckpoint = 0;
        using var enough = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = enough.Token };
            await Parallel.ForEachAsync(Descending(maxItem, lowestId), parallel, async (id, token) =>
            {
                if (checkpoint?.Items.GetValueOrDefault(id) is not { } item)
                {
                    item = await GetItemAsync(id, token);
                    checkpoint?.Append(item);
                    Interlocked.Increment(ref fetched);
                }
                else
                {
                    Interlocked.Increment(ref fromCheckpoint);
                }

                if (walk.Add(id, item.ToStory()))
                {
                    // Every id above the in-flight ones is settled and enough stories are among them.
                    await enough.CancelAsync();
                }
            });
        }
        catch (OperationCanceledException) when (walk.IsComplete && !cancellationToken.IsCancellationRequested)
        {
            // Stopped on purpose: enough stories.
        }

        return new NewestStories(walk.Stories, maxItem, walk.IdsSettled, fetched, fromCheckpoint, !walk.IsComplete);
    }

    /// <summary>The items with these ids as they are now, in the same order; an id the API has no item for gets an item with just its id.</summary>
    /// <exception cref="HackerNewsUnavailableException">An item kept failing.</exception>
    internal async Task<IReadOnlyList<HackerNewsItem>> GetItemsAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken = default)
    {
        var items = new HackerNewsItem[ids.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), parallel, async (index, token) => items[index] = await GetItemAsync(ids[index], token));
        return items;
    }

    /// <summary>The newest item id.</summary>
    public async Task<long> GetMaxItemAsync(CancellationToken cancellationToken = default)
    {
        var url = Endpoint("v0/maxitem.json");
        var body = await GetAsync(url, cancellationToken)
            ?? throw new HackerNewsUnavailableException(url, 1, new HttpRequestException("HTTP 404 Not Found", null, HttpStatusCode.NotFound));
        return long.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out var maxItem) && maxItem > 0
            ? maxItem
            : throw new HackerNewsUnavailableException(url, 1, new FormatException($"expected a positive whole number, got '{Shorten(body)}'"));
    }

    public void Dispose() => http.Dispose();

    private static IEnumerable<long> Descending(long from, long to)
    {
        for (var id = from; id >= to; id--)
        {
            yield return id;
        }
    }

    private static bool IsTransient(Exception error) => error switch
    {
        HttpRequestException { StatusCode: null } => true,
        HttpRequestException { StatusCode: { } status } => (int)status >= 500 || status == HttpStatusCode.TooManyRequests,
        TimeoutRejectedException or JsonException => true,
        _ => false,
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";

    /// <summary>The item, or an item with just its id when the API has none (404 or a JSON null).</summary>
    private async Task<HackerNewsItem> GetItemAsync(long id, CancellationToken cancellationToken)
    {
        var url = Endpoint($"v0/item/{id.ToString(CultureInfo.InvariantCulture)}.json");
        var body = await GetAsync(url, cancellationToken);
        try
        {
            var item = body is null ? null : JsonSerializer.Deserialize<HackerNewsItem>(body);
            return (item ?? new HackerNewsItem()) with { Id = id };
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{url}: not a Hacker News item ({ex.Message}): {Shorten(body!)}", ex);
        }
    }

    /// <summary>The body of a successful answer, or null for a 404; retries transient failures.</summary>
    private async Task<string?> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        var attempts = 0;
        try
        {
            return await pipeline.ExecuteAsync(
                async token =>
                {
                    Interlocked.Increment(ref attempts);
                    using var response = await http.GetAsync(url, token);
                    if (response.StatusCode == HttpStatusCode.NotFound)
                    {
                        return null;
                    }

                    if (!response.IsSuccessStatusCode)
                    {
                        throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
                    }

                    var body = await response.Content.ReadAsStringAsync(token);

                    // A body cut short by a proxy is worth another try, like any transient failure.
                    using (JsonDocument.Parse(body))
                    {
                        return body;
                    }
                },
                cancellationToken);
        }
        catch (Exception error) when (error is HttpRequestException or TimeoutRejectedException or JsonException)
        {
            throw new HackerNewsUnavailableException(url, attempts, error);
        }
    }

    private Uri Endpoint(string path) => new($"{options.BaseUrl.AbsoluteUri.TrimEnd('/')}/{path}");

    /// <summary>
    /// Items settle in any order; the stories count only once every newer id has settled, so the
    /// result is the newest stories whatever the timing.
    /// </summary>
    private sealed class NewestWalk(long maxItem, int target, Action<FetchProgress>? progress)
    {
        private readonly Lock gate = new();
        private readonly Dictionary<long, Story?> settledOutOfOrder = [];
        private readonly List<Story> newestFirst = [];
        private readonly long newestId = maxItem;
        private long nextId = maxItem;

        public bool IsComplete
        {
            get
            {
                lock (gate)
                {
                    return newestFirst.Count >= target;
                }
            }
        }

        public long IdsSettled
        {
            get
            {
                lock (gate)
                {
                    return newestId - nextId;
                }
            }
        }

        public IReadOnlyList<Story> Stories
        {
            get
            {
                lock (gate)
                {
                    return [.. newestFirst.OrderBy(story => story.Id)];
                }
            }
        }

        /// <summary>Records an item's outcome; true once the newest stories are all known.</summary>
        public bool Add(long id, Story? story)
        {
            lock (gate)
            {
                settledOutOfOrder[id] = story;
                var found = newestFirst.Count;
                while (newestFirst.Count < target && settledOutOfOrder.Remove(nextId, out var next))
                {
                    nextId--;
                    if (next is not null)
                    {
                        newestFirst.Add(next);
                    }
                }

                if (newestFirst.Count > found)
                {
                    progress?.Invoke(new FetchProgress(newestFirst.Count, target));
                }

                return newestFirst.Count >= target;
            }
        }
    }
}
