namespace DigitForge.Scoring.Output;

/// <summary>One label of a prediction with its softmax probability.</summary>
public readonly record struct LabelProbability(string Label, float Probability);

/// <summary>
/// One output row: a file's relative path and either its top labels, best first (the first is the
/// prediction and its probability the confidence), or the reason it could not be scored.
/// </summary>
public sealed record ScoredImage(string Path, IReadOnlyList<LabelProbability> Top, string? Error)
{
    public bool Failed => Error is not null;

    /// <summary>The SHA-256 of the file's content (lower-case hex) when the run hashes its inputs (the prediction log); else null.</summary>
    public string? InputHash { get; init; }

    /// <summary>The best label and its probability; null for an error row.</summary>
    public LabelProbability? Prediction => Failed ? null : Top[0];

    public static ScoredImage Scored(string path, IReadOnlyList<LabelProbability> top) =>
        top.Count > 0 ? new(path, top, null) : throw new ArgumentException("a scored image needs at least its prediction", nameof(top));

    public static ScoredImage Failure(string path, string error) => new(path, [], error);
}
