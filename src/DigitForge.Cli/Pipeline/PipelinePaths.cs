namespace DigitForge.Cli.Pipeline;

/// <summary>Where a build reads and writes: the repository, its artifacts, the download cache and the stage-output cache.</summary>
public sealed record PipelinePaths(string Root, string Artifacts, string DownloadCache, string StageCache)
{
    public string Stages => Path.Combine(Artifacts, "stages");

    /// <summary>One evaluation report per model version.</summary>
    public string Reports => Path.Combine(Artifacts, "reports");

    /// <summary>Versioned models and registry.json.</summary>
    public string Models => Path.Combine(Artifacts, "models");

    public static PipelinePaths Resolve(string root, string artifacts)
    {
        var fullRoot = Path.GetFullPath(root);
        var cache = Environment.GetEnvironmentVariable("DIGITFORGE_CACHE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "digitforge");
        return new PipelinePaths(fullRoot, Path.GetFullPath(artifacts, fullRoot), Path.Combine(cache, "downloads"), Path.Combine(cache, "stages"));
    }
}
