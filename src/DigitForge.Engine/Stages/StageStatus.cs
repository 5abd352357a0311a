namespace DigitForge.Engine.Stages;

/// <summary>Whether a stage can be skipped, with its fingerprint and, when stale, every reason.</summary>
/// <param name="Restored">How it was just brought up to date from the stage cache, if it was.</param>
public sealed record StageStatus(string Stage, bool UpToDate, string? Fingerprint, IReadOnlyList<string> Reasons, string? Restored = null)
{
    public string ShortFingerprint => Fingerprint is null ? "-------" : Hashing.ContentHash.Short(Fingerprint);

    public string Describe() => Restored ?? (UpToDate
        ? $"up to date ({ShortFingerprint})"
        : $"stale: {string.Join("; ", Reasons)}");
}
