namespace DigitForge.Engine.Stages;

/// <summary>A stage that cannot run or failed for a reason the user can act on.</summary>
public sealed class StageException(string message) : Exception(message);
