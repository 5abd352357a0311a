using DigitForge.Engine.Stages;

namespace DigitForge.Kit.Tables;

/// <summary>A table file that cannot be read as declared: names the file, the line, the column and what was expected.</summary>
public sealed class TableFormatException(string path, long line, string? column, string problem)
    : Exception(column is null ? $"{path}: line {line}: {problem}" : $"{path}: line {line}, column '{column}': {problem}"), IDataException
{
    public string FilePath { get; } = path;

    /// <summary>1-based line of the bad record (1: the header).</summary>
    public long Line { get; } = line;

    public string? Column { get; } = column;
}
