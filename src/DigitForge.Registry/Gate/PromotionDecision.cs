namespace DigitForge.Registry.Gate;

/// <summary>What a publishing stage's <c>decision.json</c> holds: the gate's outcome for one build's model.</summary>
/// <param name="Outcome">promote, production (already was), rollback, archived or reject.</param>
public sealed record PromotionDecision(string Version, string Outcome, IReadOnlyList<string> Reasons, string? Production, bool Forced)
{
    public const string FileName = "decision.json";

    /// <summary>Whether the build's model is production now: what <c>--require-promotion</c> asks for.</summary>
    public bool InProduction => Outcome is "promote" or "production" or "rollback";
}
