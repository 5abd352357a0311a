using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Features;

/// <summary>
/// What the model may know about a story: only what exists at submission time. Scoring may lack
/// the URL (a text post), the author or the time; a missing time is filled with the training average.
/// </summary>
public sealed record SubmittedStory(string Title, string? Url, DateTimeOffset? CreatedAt, string? Author = null)
{
    public static SubmittedStory From(Story story) => new(story.Title, story.Url, story.CreatedAt, story.Author);
}
