using DigitForge.Engine.Config;

namespace DigitForge.Engine.Pipelines;

/// <summary>
/// What <c>digitforge score</c> asks of a pipeline's scorer, whatever its inputs (a folder of images, a file of
/// rows, the newest items of an API): the options of the one verb, which a scorer refuses when they mean nothing to it.
/// </summary>
public sealed record ScoreRequest
{
    /// <summary>A file or folder to score, absolute; null when <see cref="Latest"/> is asked for instead.</summary>
    public string? Input { get; init; }

    /// <summary>Score the newest N items of the pipeline's live source instead of <see cref="Input"/>.</summary>
    public int? Latest { get; init; }

    /// <summary>Where the predictions go, absolute (.csv or .jsonl).</summary>
    public required string Output { get; init; }

    /// <summary>The registry's version to score with: production, 7, v0007 or v0007-3fa2c1d.</summary>
    public string Model { get; init; } = "production";

    public bool Recursive { get; init; }

    public bool Resume { get; init; }

    public bool Overwrite { get; init; }

    public bool AllFiles { get; init; }

    /// <summary>Inputs are already in the model's form: no preprocessing.</summary>
    public bool Raw { get; init; }

    public bool FailOnDrift { get; init; }

    /// <summary><c>--log</c>: record each prediction in the pipeline's prediction log (docs/monitor.md).</summary>
    public bool Record { get; init; }

    /// <summary><c>--at</c>: the time the log records for each prediction; null: when it is made.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary><c>int8</c> or <c>fp32</c>; null: the scorer's default.</summary>
    public string? Precision { get; init; }

    public required PipelinePaths Paths { get; init; }

    /// <summary>The recipe file (absolute) and overrides, for scorers that read a section of it (an API's address, say).</summary>
    public required string ConfigFile { get; init; }

    public IReadOnlyList<ConfigOverride> Overrides { get; init; } = [];

    /// <summary>Progress and the summary.</summary>
    public required TextWriter Log { get; init; }

    /// <summary>The options given that this scorer has no use for, by their command-line names, so it can refuse them.</summary>
    private IEnumerable<string> GivenFlags()
    {
        (string Name, bool Given)[] flags =
        [
            ("--input", Input is not null), ("--latest", Latest is not null), ("--recursive", Recursive), ("--resume", Resume), ("--overwrite", Overwrite),
            ("--all-files", AllFiles), ("--raw", Raw), ("--fail-on-drift", FailOnDrift), ("--precision", Precision is not null),
            ("--log", Record),
        ];
        return flags.Where(f => f.Given).Select(f => f.Name);
    }

    /// <summary>A usage error naming the first option in <see cref="GivenFlags"/> that <paramref name="supported"/> lacks; none: nothing thrown.</summary>
    public void RefuseOtherThan(params string[] supported)
    {
        if (GivenFlags().FirstOrDefault(flag => !supported.Contains(flag)) is { } refused)
        {
            throw new ConfigException($"score {refused}: pipeline {Paths.Pipeline}'s scorer does not take it; it takes {string.Join(", ", supported)}");
        }
    }
}

/// <summary>How a scoring run ended; the CLI turns it into its documented exit code.</summary>
public enum ScoreOutcome
{
    /// <summary>Every input was scored.</summary>
    Scored,

    /// <summary>Completed, but some inputs could not be scored; each has an error row.</summary>
    CompletedWithFailures,

    /// <summary>Completed, and with <see cref="ScoreRequest.FailOnDrift"/> the inputs drifted from the model's test set.</summary>
    Drifted,

    /// <summary>Interrupted; the rows written are complete.</summary>
    Cancelled,
}

/// <summary>Why scoring could not start, each with its own exit code (docs/exit-codes.md).</summary>
public enum ScoreSetupProblem
{
    /// <summary>Options that contradict each other or the output file: 2.</summary>
    Usage,

    /// <summary>A missing input, an unknown or unreadable model, a damaged output to resume: 3.</summary>
    Input,

    /// <summary>The remote registry cannot be reached: 8.</summary>
    RemoteUnavailable,

    /// <summary>The model does not reproduce its version's golden set on this CPU: 10.</summary>
    GoldenCheckFailed,
}

/// <summary>Scoring could not start; nothing was scored.</summary>
public sealed class ScoreSetupException(ScoreSetupProblem problem, string message, Exception? inner = null) : Exception(message, inner)
{
    public ScoreSetupProblem Problem { get; } = problem;
}

/// <summary>A pipeline's scorer: the production (or a named) model of its registry applied to new inputs.</summary>
public interface IPipelineScorer
{
    /// <summary>What <c>--input</c> is for this pipeline, for help and errors (a folder of images, a CSV of stories ...).</summary>
    string InputDescription { get; }

    ScoreOutcome Score(ScoreRequest request, CancellationToken cancellation);
}
