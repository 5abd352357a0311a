using System.Globalization;

namespace DigitForge.HackerNews.Features;

/// <summary>The hand-made facts about a story that feed the model, computed the same way when training and scoring.</summary>
public static class StoryFacts
{
    /// <summary>The domain of text posts (Ask HN and others without a link).</summary>
    public const string NoDomain = "none";

    /// <summary>The domain of links that are not absolute http(s) URLs.</summary>
    public const string InvalidDomain = "invalid";

    public static FeatureRow ToRow(SubmittedStory story, float label = 0)
    {
        ArgumentNullException.ThrowIfNull(story);
        var title = story.Title.Trim();
        var utc = story.CreatedAt?.UtcDateTime;
        return new FeatureRow
        {
            Title = title,
            Domain = Domain(story.Url),
            Author = story.Author?.Trim() ?? "",
            AskHn = StartsWith(title, "Ask HN") ? 1 : 0,
            ShowHn = StartsWith(title, "Show HN") ? 1 : 0,
            Hour = utc is { } hour ? hour.Hour : float.NaN,
            Weekday = utc is { } day ? (int)day.DayOfWeek : float.NaN,
            TitleChars = title.Length,
            TitleWords = title.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length,
            Label = label,
        };
    }

    /// <summary>The URL's host in lower case without a leading "www.", so www.example.com and example.com count as one site.</summary>
    public static string Domain(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
            return NoDomain;
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
            return InvalidDomain;
        var host = uri.Host.ToLower(CultureInfo.InvariantCulture);
        return host.StartsWith("www.", StringComparison.Ordinal) ? host[4..] : host;
    }

    // "Ask HN:" and "Ask HN -" alike; "Asking HN..." is not one.
    private static bool StartsWith(string title, string prefix) =>
        title.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
        && (title.Length == prefix.Length || !char.IsLetterOrDigit(title[prefix.Length]));
}
