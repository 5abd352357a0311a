namespace DigitForge.HackerNews.Scoring;

/// <summary>
/// One story to score, as read from some input by the caller. <see cref="RowNumber"/> locates it in
/// that input for error messages; <see cref="Id"/> is carried through as it is. Only the title is required.
/// </summary>
/// <param name="Error">Why the row cannot be scored, when the input file already said so (a bad row).</param>
public sealed record ScoreRequest(int RowNumber, string? Id, string? Title, string? Url = null, DateTimeOffset? CreatedAt = null, string? Author = null, string? Error = null)
{
    /// <summary>A row of a scoring input file as a request: its story, or its error.</summary>
    public static ScoreRequest From(Stories.StoryInputRow row) => row.Story is { } story
        ? new(row.Row, story.Id?.ToString(System.Globalization.CultureInfo.InvariantCulture), story.Title, story.Url, story.CreatedAt)
        : new(row.Row, null, null, Error: $"line {row.Line}: {row.Error}");

    /// <summary>A story fetched from the API, to score before anyone has commented.</summary>
    public static ScoreRequest From(int row, Stories.Story story) =>
        new(row, story.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), story.Title, story.Url, story.CreatedAt, story.Author);
}

/// <summary>The predicted comment count of one request, or why there is none (then <see cref="PredictedComments"/> is null).</summary>
public sealed record ScoreResult(int RowNumber, string? Id, string? Title, double? PredictedComments, string? Error);
