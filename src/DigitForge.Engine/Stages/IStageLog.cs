namespace DigitForge.Engine.Stages;

/// <summary>Line-oriented progress from a stage.</summary>
public interface IStageLog
{
    void Info(string message);

    void Warning(string message);
}

/// <summary>Timestamped lines on a text writer; quiet and greppable in CI logs.</summary>
public sealed class TextStageLog(TextWriter writer, string stage) : IStageLog
{
    public void Info(string message) => Write("info", message);

    public void Warning(string message) => Write("warn", message);

    private void Write(string level, string message) =>
        writer.WriteLine($"{DateTime.Now:HH:mm:ss} {stage,-10} {level} {message}");
}
