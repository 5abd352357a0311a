namespace DigitForge.Scoring;

/// <summary>What kind of mistake stops a run before any image is scored.</summary>
public enum SetupProblem
{
    /// <summary>The command line contradicts itself or the output file (wrong extension, resume with other settings).</summary>
    Usage,

    /// <summary>A missing folder, an unknown or unreadable model, a damaged output file to resume.</summary>
    Input,

    /// <summary>The remote model registry cannot be reached.</summary>
    RemoteUnavailable,

    /// <summary>The model (int8 asked for by name, or FP32) does not reproduce its version's golden set on this CPU.</summary>
    GoldenCheckFailed,
}

/// <summary>A problem found before any work starts; the message names the folder, model, file or value.</summary>
public sealed class ScoringSetupException(SetupProblem problem, string message, Exception? inner = null) : Exception(message, inner)
{
    public SetupProblem Problem { get; } = problem;
}
