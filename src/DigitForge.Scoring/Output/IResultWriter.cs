namespace DigitForge.Scoring.Output;

/// <summary>Appends rows to the output file; <see cref="Flush"/> pushes them to the OS, so an interrupted
/// run keeps every row written before its last flush.</summary>
public interface IResultWriter : IDisposable
{
    void Write(ScoredImage row);

    void Flush();
}
