namespace DigitForge.Cli;

/// <summary>Process exit codes, documented in docs/exit-codes.md.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something unexpected failed; the message says what.</summary>
    public const int Failure = 1;

    /// <summary>Bad command line or config: nothing was run.</summary>
    public const int UsageError = 2;

    /// <summary>Bad input data (corrupt file, hash mismatch, unreadable source).</summary>
    public const int DataError = 3;

    /// <summary>Scoring finished, but some inputs could not be scored (digitforge-score's code, passed through the build).</summary>
    public const int CompletedWithFailures = 4;

    /// <summary>With --fail-on-drift: the scored inputs drifted from the model's test set.</summary>
    public const int Drifted = 5;

    /// <summary><c>monitor</c>: a threshold of the recipe's monitor section was breached. Drift's code: either way the model no longer fits what it sees, and retraining is due.</summary>
    public const int ThresholdBreached = Drifted;

    /// <summary>With --no-wait: another build holds the artifacts lock; it is named.</summary>
    public const int LockBusy = 6;

    /// <summary>With --require-promotion: the quality gate kept the build's model out of production.</summary>
    public const int NotPromoted = 7;

    /// <summary>The remote model registry (DIGITFORGE_REGISTRY), or the remote a sweep member reads its plan from and records its run in or a feedback snapshot is pushed to or pulled from (DIGITFORGE_REMOTE), could not be reached; it is named.</summary>
    public const int RemoteUnavailable = 8;

    /// <summary><c>models verify</c>: a version's FP32 model does not reproduce its golden set on this CPU (digitforge-score and digitforge-serve use the same code).</summary>
    public const int GoldenCheckFailed = 10;

    /// <summary>A sweep member's training was stopped by the sweep's pruning rule; nothing of the stage was committed.</summary>
    public const int Pruned = 11;

    /// <summary>Interrupted (Ctrl+C); the stage's partial outputs were discarded.</summary>
    public const int Cancelled = 130;
}
