using System.ComponentModel.DataAnnotations;
using DigitForge.HackerNews.Api;

namespace DigitForge.HackerNews;

/// <summary>Where the Hacker News stories come from.</summary>
public enum NewsSource
{
    /// <summary>The snapshot shipped in the repository: no network, the same stories on every machine.</summary>
    Bundled,

    /// <summary>The newest stories from the Hacker News API, fetched at build time.</summary>
    Api,
}

/// <summary>The Hacker News pipeline's <c>data</c> section: <c>source</c> picks which of its two sections applies.</summary>
public sealed class NewsDataConfig
{
    public NewsSource Source { get; set; } = NewsSource.Bundled;

    public BundledStoriesConfig Bundled { get; set; } = new();

    public ApiStoriesConfig Api { get; set; } = new();

    /// <summary>
    /// Feedback snapshots (ids printed by digitforge feedback export) whose stories, with their settled comment counts, are added
    /// to the training split; the test split stays as the source makes it.
    /// </summary>
    public List<string>? Feedback { get; set; }
}

/// <summary>A stories CSV(.gz) in the repository, checked against its pinned hash before use.</summary>
public sealed class BundledStoriesConfig
{
    public const string DefaultPath = "data/hn/stories.csv.gz";

    /// <summary>SHA-256 of the committed data/hn/stories.csv.gz (scripts/make-hn-data.sh prints it).</summary>
    public const string DefaultSha256 = "0db0eae99a44d1325542e03f960fd3f3d6913a6885b8064ba362de7467f87c92";

    /// <summary>Relative to the repository root unless absolute.</summary>
    [Required]
    [MinLength(1)]
    public string? Path { get; set; } = DefaultPath;

    /// <summary>Lower-case hex SHA-256 of the file's bytes (of the .gz itself).</summary>
    [Required]
    [RegularExpression("^[0-9a-f]{64}$", ErrorMessage = "expected 64 lower-case hex digits")]
    public string? Sha256 { get; set; } = DefaultSha256;
}

/// <summary>How many stories to fetch from the Hacker News API, and how.</summary>
public sealed class ApiStoriesConfig : IValidatableObject
{
    /// <summary>Number of newest stories to fetch.</summary>
    [Range(1, 100_000)]
    public int Latest { get; set; } = 1000;

    public string BaseUrl { get; set; } = HackerNewsClientOptions.DefaultBaseUrl;

    /// <summary>Requests in flight at once.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 8;

    /// <summary>Retries of a request after a server error, throttling, a timeout or a network error.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>Wait before the first retry; each later one waits about twice as long.</summary>
    [Range(0.0, 60.0)]
    public double RetryDelaySeconds { get; set; } = 1;

    /// <summary>Longest wait for one attempt of one request.</summary>
    [Range(0.1, 300.0)]
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Most item ids examined below the newest; unset means 50 per story wanted.</summary>
    [Range(1, int.MaxValue)]
    public int? MaxIdsScanned { get; set; }

    public HackerNewsClientOptions ToClientOptions() => new()
    {
        BaseUrl = new Uri(BaseUrl),
        Concurrency = Concurrency,
        MaxRetries = MaxRetries,
        RetryBaseDelay = TimeSpan.FromSeconds(RetryDelaySeconds),
        RequestTimeout = TimeSpan.FromSeconds(TimeoutSeconds),
        MaxIdsScanned = MaxIdsScanned,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!(Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            yield return new ValidationResult($"expected an absolute http(s) URL, got '{BaseUrl}'", [nameof(BaseUrl)]);
        }
    }
}
