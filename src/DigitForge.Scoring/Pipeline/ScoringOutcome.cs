using DigitForge.Scoring.Output;

namespace DigitForge.Scoring.Pipeline;

/// <summary>
/// How a run ended. <see cref="Summary"/> covers every row of the output file, resumed ones included;
/// <see cref="NewRows"/> are those this run added.
/// </summary>
public sealed record ScoringOutcome(ScoringSummary Summary, int ResumedRows, long NewRows, bool Completed, TimeSpan Elapsed)
{
    public bool HasFailures => Summary.Failed > 0;

    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? NewRows / Elapsed.TotalSeconds : 0;
}
