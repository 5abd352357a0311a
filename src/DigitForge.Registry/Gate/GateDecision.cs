namespace DigitForge.Registry.Gate;

public enum GateOutcome
{
    Promote,
    Reject,
}

/// <summary>One rule of the gate and how the candidate fared, in words (measured vs required).</summary>
public sealed record GateCheck(string Rule, bool Passed, string Reason);

/// <summary>The gate's verdict with every check that led to it, failed ones included.</summary>
public sealed record GateDecision(IReadOnlyList<GateCheck> Checks)
{
    public GateOutcome Outcome => Checks.All(c => c.Passed) ? GateOutcome.Promote : GateOutcome.Reject;

    /// <summary>Every check's reason, in the order the rules were applied.</summary>
    public IReadOnlyList<string> Reasons => [.. Checks.Select(c => c.Reason)];

    public IReadOnlyList<string> Failures => [.. Checks.Where(c => !c.Passed).Select(c => c.Reason)];
}
