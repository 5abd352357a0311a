namespace DigitForge.Engine.Stages;

/// <summary>Line-oriented progress from a stage.</summary>
public interface IStageLog
{
    void Info(string message);

    void Warning(string message);

    /// <summary>How far a long step is (0 to 1) and a one-line status; a log may show it live, throttle it, or drop it.</summary>
    void Progress(double fraction, string status)
    {
    }
}

/// <summary>
/// Timestamped lines on a text writer; quiet and greppable in CI logs. Progress becomes a line at
/// most every <paramref name="progressInterval"/> (default 10 s), so logs stay readable.
/// </summary>
public sealed class TextStageLog(TextWriter writer, string stage, TimeSpan? progressInterval = null) : IStageLog
{
    private readonly TimeSpan interval = progressInterval ?? TimeSpan.FromSeconds(10);
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    private TimeSpan nextProgress = progressInterval ?? TimeSpan.FromSeconds(10);

    public void Info(string message) => Write("info", message);

    public void Warning(string message) => Write("warn", message);

    public void Progress(double fraction, string status)
    {
        if (clock.Elapsed >= nextProgress)
        {
            nextProgress = clock.Elapsed + interval;
            Write("info", status);
        }
    }

    private void Write(string level, string message) =>
        writer.WriteLine($"{DateTime.Now:HH:mm:ss} {stage,-10} {level} {message}");
}
