using DigitForge.Engine.Stages;

namespace DigitForge.HackerNews.Stories;

/// <summary>A stories file that cannot be read: names the file, the line and column, and what was expected.</summary>
public sealed class StoryFormatException(string path, long line, string? column, string problem)
    : Exception(Describe(path, line, column, problem)), IDataException
{
    public string FilePath { get; } = path;

    /// <summary>1-based line where the bad record starts; 0 when the problem concerns the whole file.</summary>
    public long Line { get; } = line;

    /// <summary>The column at fault, or null when the record or file as a whole is.</summary>
    public string? Column { get; } = column;

    public string Problem { get; } = problem;

    private static string Describe(string path, long line, string? column, string problem) => (line, column) switch
    {
        ( <= 0, _) => $"{path}: {problem}",
        (_, null) => $"{path}: line {line}: {problem}",
        _ => $"{path}: line {line}, column '{column}': {problem}",
    };
}
