using System.ComponentModel.DataAnnotations;

namespace DigitForge.HackerNews.Features;

/// <summary>
/// The <c>features</c> section: how a story becomes a feature vector. Only what is known when a
/// story is submitted may be a feature (never its points or comments).
/// </summary>
public sealed class FeaturesConfig
{
    /// <summary>Title word n-grams up to this length (1 = single words, 2 = words and word pairs).</summary>
    [Range(1, 3)]
    public int NgramLength { get; set; } = 2;

    /// <summary>An n-gram is kept only when at least this many training titles contain it: rarer ones cannot generalise.</summary>
    [Range(1, 1000)]
    public int MinNgramCount { get; set; } = 5;

    public bool Lowercase { get; set; } = true;

    /// <summary>Drops English stop words ("the", "a", ...) before building n-grams.</summary>
    public bool RemoveStopWords { get; set; } = true;

    /// <summary>One-hot of the URL's domain ("none" for Ask HN and other text posts).</summary>
    public bool Domain { get; set; } = true;

    /// <summary>A domain gets its own column only when at least this many training stories link to it; rarer ones share the all-zero "other".</summary>
    [Range(1, 1000)]
    public int MinDomainCount { get; set; } = 10;

    /// <summary>One-hot of the submitter: some accounts reliably draw discussion. Known at submission, unlike points.</summary>
    public bool Author { get; set; } = true;

    /// <summary>A submitter gets their own column only with at least this many training stories.</summary>
    [Range(1, 1000)]
    public int MinAuthorCount { get; set; } = 5;

    /// <summary>Whether the title starts with "Ask HN" or "Show HN".</summary>
    public bool AskShowFlags { get; set; } = true;

    /// <summary>Hour of day of submission (0-23, UTC).</summary>
    public bool HourOfDay { get; set; } = true;

    /// <summary>Day of the week of submission (0 = Sunday, UTC).</summary>
    public bool Weekday { get; set; } = true;

    /// <summary>Title length in characters and in words.</summary>
    public bool TitleLength { get; set; } = true;
}
