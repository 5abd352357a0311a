using Newtonsoft.Json.Linq;

namespace DigitForge.Engine.Records;

/// <summary>
/// The lock record of a stage's last successful run (DVC's dvc.lock, per stage): what went in,
/// what came out, and when. It is committed together with the outputs it describes.
/// </summary>
public sealed class StageRecord
{
    public const int CurrentSchema = 1;

    public int Schema { get; set; } = CurrentSchema;

    public string Stage { get; set; } = string.Empty;

    public string Fingerprint { get; set; } = string.Empty;

    public FingerprintComponents Components { get; set; } = new();

    /// <summary>The resolved config the stage ran with, in full.</summary>
    public JToken? Config { get; set; }

    /// <summary>Every output file, by path relative to the stage folder ('/' separated), with its SHA-256.</summary>
    public SortedDictionary<string, string> Outputs { get; set; } = new(StringComparer.Ordinal);

    public DateTimeOffset StartedAt { get; set; }

    public double Seconds { get; set; }
}

/// <summary>The parts a fingerprint is the hash of; kept apart so a stale stage can say which part changed.</summary>
public sealed class FingerprintComponents
{
    /// <summary>The pipeline the stage belongs to.</summary>
    public string Pipeline { get; set; } = string.Empty;

    /// <summary>Assembly name to the hash of the code the stage reaches in it (<see cref="Hashing.CodeReach"/>).</summary>
    public SortedDictionary<string, string> Code { get; set; } = new(StringComparer.Ordinal);

    /// <summary>SHA-256 of the canonical JSON of the stage's config.</summary>
    public string Config { get; set; } = string.Empty;

    /// <summary>"Stage/file" to SHA-256 of each upstream file read.</summary>
    public SortedDictionary<string, string> Inputs { get; set; } = new(StringComparer.Ordinal);

    /// <summary>External file name to SHA-256 of its content.</summary>
    public SortedDictionary<string, string> Files { get; set; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal);
}
