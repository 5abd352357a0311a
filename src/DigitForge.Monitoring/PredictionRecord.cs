using System.Security.Cryptography;

namespace DigitForge.Monitoring;

/// <summary>
/// One prediction as the log keeps it: what was predicted (<see cref="Id"/>: a file path or a story
/// id), when, by which model version and precision, for which input (<see cref="InputHash"/>, the
/// SHA-256 of its content), and the answer: a label with its confidence, or a value (regression).
/// </summary>
/// <param name="Source">What produced it: <c>score</c> (a batch run) or <c>serve</c> (the service).</param>
public sealed record PredictionRecord(
    string Id,
    DateTimeOffset At,
    string Pipeline,
    string ModelVersion,
    string? Precision,
    string InputHash,
    string? Prediction,
    double? Confidence,
    double? Value,
    string Source)
{
    /// <summary>The lower-case hex SHA-256 of <paramref name="content"/>: how the log names an input's content.</summary>
    public static string HashOf(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));
}

/// <summary>
/// The ground truth of one predicted id, learnt later: a label (classification) or a value (regression).
/// </summary>
/// <param name="Source">Where it came from, e.g. <c>feedback labels.csv</c> or <c>outcomes api</c>.</param>
public sealed record Outcome(string Pipeline, string Id, string? Label, double? Value, DateTimeOffset RecordedAt, string Source);
