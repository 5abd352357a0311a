using Newtonsoft.Json.Linq;

namespace DigitForge.Registry.Store;

/// <summary>
/// <c>manifest.json</c> of a model version: the SHA-256 of every file beside it, so tampering is
/// detectable, and the caller's details (fingerprints, resolved config, library versions, timings,
/// metrics, parent production version) that make up its lineage.
/// </summary>
public sealed class ModelManifest
{
    public const string FileName = "manifest.json";
    public const int CurrentSchema = 1;

    public int Schema { get; set; } = CurrentSchema;

    public int Version { get; set; }

    public string ContentHash { get; set; } = string.Empty;

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The run (build) that stored this version, in artifacts/&lt;pipeline&gt;/history; null before runs were recorded.</summary>
    public string? RunId { get; set; }

    /// <summary>Path relative to the version folder ('/' separated) to SHA-256.</summary>
    public SortedDictionary<string, string> Files { get; set; } = new(StringComparer.Ordinal);

    public JObject Details { get; set; } = [];
}
