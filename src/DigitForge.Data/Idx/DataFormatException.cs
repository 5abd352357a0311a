using DigitForge.Engine.Stages;

namespace DigitForge.Data.Idx;

/// <summary>Input data that cannot be used; the message names the file and the problem.</summary>
public sealed class DataFormatException(string file, string problem) : Exception($"{file}: {problem}"), IDataException
{
    public string File { get; } = file;

    public string Problem { get; } = problem;
}
