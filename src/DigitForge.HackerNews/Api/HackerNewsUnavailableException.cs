using DigitForge.Engine.Stages;

namespace DigitForge.HackerNews.Api;

/// <summary>The Hacker News API could not be reached or kept failing: names the URL and the last error.</summary>
public sealed class HackerNewsUnavailableException(Uri url, int attempts, Exception lastError)
    : Exception($"The Hacker News API is unavailable: {url} failed {attempts} time(s), last with: {lastError.Message}", lastError), IDataException
{
    public Uri Url { get; } = url;
}
