namespace DigitForge.Engine.Records;

/// <summary>One upstream stage's lock record, minus its outputs: what went into it.</summary>
public sealed record StageLineage(
    string Fingerprint,
    IReadOnlyDictionary<string, string> Code,
    string ConfigSha256,
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyDictionary<string, string> Inputs,
    IReadOnlyDictionary<string, string> Environment,
    DateTimeOffset StartedAt,
    double Seconds)
{
    public static StageLineage Of(StageRecord record) => new(
        record.Fingerprint,
        record.Components.Code,
        record.Components.Config,
        record.Components.Files,
        record.Components.Inputs,
        record.Components.Environment,
        record.StartedAt,
        record.Seconds);

    /// <summary>The fingerprint parts this entry was copied from, to compare with a new run's.</summary>
    public FingerprintComponents ToComponents() => new()
    {
        Code = Sorted(Code),
        Config = ConfigSha256,
        Files = Sorted(Files),
        Inputs = Sorted(Inputs),
        Environment = Sorted(Environment),
    };

    private static SortedDictionary<string, string> Sorted(IReadOnlyDictionary<string, string>? hashes) =>
        new(hashes?.ToDictionary() ?? [], StringComparer.Ordinal);
}
