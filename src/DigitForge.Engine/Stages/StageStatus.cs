namespace DigitForge.Engine.Stages;

/// <summary>Whether a stage can be skipped, with its fingerprint and, when stale, every reason.</summary>
public sealed record StageStatus(string Stage, bool UpToDate, string? Fingerprint, IReadOnlyList<string> Reasons)
{
    public string ShortFingerprint => Fingerprint is null ? "-------" : Hashing.ContentHash.Short(Fingerprint);

    public string Describe() => UpToDate
        ? $"up to date ({ShortFingerprint})"
        : $"stale: {string.Join("; ", Reasons)}";
}
