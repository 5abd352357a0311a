using DigitForge.Engine.Stages;

namespace DigitForge.Kit.Ingest;

/// <summary>
/// What an Ingest stage over one pinned file does, whatever its pipeline: the fingerprint's inputs (the pin, and
/// the local file's bytes) and the verified file.
/// </summary>
public sealed class PinnedIngest(PinnedFile file, string root, string downloadCache)
{
    public StageInputs Inputs(object config) => new(
        config,
        file.LocalPath(root) is { } local ? new Dictionary<string, string> { ["source"] = local } : new Dictionary<string, string>(),
        new Dictionary<string, string>());

    /// <summary>The verified file (the local one, or the download cache's copy), for the stage to read into its outputs.</summary>
    public string Verified(StageRunContext context)
    {
        var verified = file.Fetch(root, downloadCache, context.Log);
        context.Log.Info($"{file.Path ?? file.Url}: SHA-256 {Engine.Hashing.ContentHash.Short(file.Sha256)} verified");
        return verified;
    }
}
