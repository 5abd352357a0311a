namespace DigitForge.Engine.Sweeps;

/// <summary>A sweep member stopped by its pruning rule; the stage it ran in commits nothing.</summary>
public sealed class TrialPrunedException(string member, int epoch, string message) : Exception(message)
{
    public string Member { get; } = member;

    public int Epoch { get; } = epoch;
}
