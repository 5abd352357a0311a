namespace DigitForge.Cli;

/// <summary>Process exit codes, documented in the README.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Something unexpected failed; the message says what.</summary>
    public const int Failure = 1;

    /// <summary>Bad command line or config: nothing was run.</summary>
    public const int UsageError = 2;

    /// <summary>Bad input data (corrupt file, hash mismatch, unreadable source).</summary>
    public const int DataError = 3;

    /// <summary>Interrupted (Ctrl+C); the stage's partial outputs were discarded.</summary>
    public const int Cancelled = 130;
}
