namespace DigitForge.ScoreTool;

/// <summary>Process exit codes, documented in docs/exit-codes.md.</summary>
public static class ExitCodes
{
    /// <summary>Every file was scored.</summary>
    public const int Success = 0;

    /// <summary>Something unexpected failed; the message says what.</summary>
    public const int Failure = 1;

    /// <summary>Bad command line (or options that contradict the output file): nothing was scored.</summary>
    public const int UsageError = 2;

    /// <summary>Missing folder, unknown or unreadable model, damaged output to resume: nothing was scored.</summary>
    public const int InputError = 3;

    /// <summary>The run completed, but some files could not be scored; each has an error row.</summary>
    public const int CompletedWithFailures = 4;

    /// <summary>With --fail-on-drift: the scored folder drifted from the model's test set (a cue to retrain).</summary>
    public const int Drifted = 5;

    /// <summary>The remote model registry (DIGITFORGE_REGISTRY) cannot be reached; nothing was scored.</summary>
    public const int RemoteUnavailable = 8;

    /// <summary><c>merge</c> refused: a shard is missing, given twice, incomplete, changed, or from another model, settings or listing.</summary>
    public const int ShardsNotMergeable = 9;

    /// <summary>The model does not reproduce its version's golden set on this CPU: int8 asked for with --precision int8, or FP32; nothing was scored.</summary>
    public const int GoldenCheckFailed = 10;

    /// <summary>The code of a problem found before any work started.</summary>
    public static int For(DigitForge.Scoring.SetupProblem problem) => problem switch
    {
        DigitForge.Scoring.SetupProblem.Usage => UsageError,
        DigitForge.Scoring.SetupProblem.RemoteUnavailable => RemoteUnavailable,
        DigitForge.Scoring.SetupProblem.GoldenCheckFailed => GoldenCheckFailed,
        _ => InputError,
    };

    /// <summary>Interrupted (Ctrl+C); every row written is complete, and --resume continues.</summary>
    public const int Cancelled = 130;
}
