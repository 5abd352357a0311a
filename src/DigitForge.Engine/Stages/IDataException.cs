namespace DigitForge.Engine.Stages;

/// <summary>
/// An exception about a pipeline's input data (a malformed file, a source that cannot be reached)
/// rather than a bug: the command line reports it as a data error whichever pipeline threw it.
/// </summary>
public interface IDataException
{
}
