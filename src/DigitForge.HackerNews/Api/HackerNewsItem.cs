using System.Text.Json.Serialization;
using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Api;

/// <summary>
/// The fields of a Hacker News API item that decide whether it is a usable story. Also the line
/// format of the fetch checkpoint, where an item the API does not have is just its id.
/// </summary>
internal sealed record HackerNewsItem
{
    [JsonPropertyName("id")]
    public long Id { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("deleted")]
    public bool? Deleted { get; init; }

    [JsonPropertyName("dead")]
    public bool? Dead { get; init; }

    [JsonPropertyName("title")]
    public string? Title { get; init; }

    [JsonPropertyName("url")]
    public string? Url { get; init; }

    [JsonPropertyName("score")]
    public int? Score { get; init; }

    [JsonPropertyName("descendants")]
    public int? Descendants { get; init; }

    [JsonPropertyName("by")]
    public string? By { get; init; }

    [JsonPropertyName("time")]
    public long? Time { get; init; }

    /// <summary>The story, when the item is a live story with a title and a time; null otherwise.</summary>
    public Story? ToStory() =>
        Type == "story" && Deleted != true && Dead != true && !string.IsNullOrWhiteSpace(Title)
        && Time is { } seconds && StoryTimes.TryFromUnixSeconds(seconds, out var created)
            ? new Story(Id, Title, string.IsNullOrEmpty(Url) ? null : Url, Score ?? 0, Descendants ?? 0, By, created)
            : null;
}
