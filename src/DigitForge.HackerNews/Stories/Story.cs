namespace DigitForge.HackerNews.Stories;

/// <summary>
/// One Hacker News story as the pipeline sees it. <see cref="Points"/> is known only after the
/// story has been up for a while, so it is kept for reference and never used as a feature.
/// </summary>
/// <param name="CreatedAt">Submission time, UTC.</param>
public sealed record Story(long Id, string Title, string? Url, int Points, int Comments, string? Author, DateTimeOffset CreatedAt);
