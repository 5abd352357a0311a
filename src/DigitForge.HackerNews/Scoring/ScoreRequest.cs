namespace DigitForge.HackerNews.Scoring;

/// <summary>
/// One story to score, as read from some input by the caller. <see cref="RowNumber"/> locates it in
/// that input for error messages; <see cref="Id"/> is carried through as it is. Only the title is required.
/// </summary>
public sealed record ScoreRequest(int RowNumber, string? Id, string? Title, string? Url = null, DateTimeOffset? CreatedAt = null, string? Author = null);

/// <summary>The predicted comment count of one request, or why there is none (then <see cref="PredictedComments"/> is null).</summary>
public sealed record ScoreResult(int RowNumber, string? Id, string? Title, double? PredictedComments, string? Error);
