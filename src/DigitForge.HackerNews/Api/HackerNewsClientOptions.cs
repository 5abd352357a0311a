namespace DigitForge.HackerNews.Api;

/// <summary>Where the Hacker News API is and how patiently it is asked.</summary>
public sealed record HackerNewsClientOptions
{
    public const string DefaultBaseUrl = "https://hacker-news.firebaseio.com";

    /// <summary>The API's root; requests go to <c>{BaseUrl}/v0/...</c>.</summary>
    public Uri BaseUrl { get; init; } = new(DefaultBaseUrl);

    /// <summary>Requests in flight at once.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Retries of a request after a 5xx, a 429, a timeout or a network error (so up to MaxRetries + 1 attempts).</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>Wait before the first retry; later ones wait exponentially longer, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait for one attempt, body included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Most item ids examined below maxitem; null means 50 per story wanted (most items are comments).</summary>
    public int? MaxIdsScanned { get; init; }
}
