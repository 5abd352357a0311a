namespace DigitForge.Engine.Pipelines;

/// <summary>
/// Where one pipeline's build reads and writes: the repository, its own folder under the artifacts
/// (stage outputs, model registry, reports), and the caches shared by every pipeline.
/// </summary>
public sealed record PipelinePaths(string Root, string Artifacts, string Pipeline, string DownloadCache, string StageCache)
{
    /// <summary>artifacts/&lt;pipeline&gt;: everything this pipeline builds.</summary>
    public string Home => Path.Combine(Artifacts, Pipeline);

    public string Stages => Path.Combine(Home, "stages");

    /// <summary>One evaluation report per model version.</summary>
    public string Reports => Path.Combine(Home, "reports");

    /// <summary>Versioned models and registry.json.</summary>
    public string Models => Path.Combine(Home, "models");

    /// <summary>
    /// The feedback snapshots a recipe's <c>data.feedback</c> names. Set once, from the artifacts it was made with: a copy of the
    /// paths with other artifacts (Verify's scratch folder) still reads the snapshots a version was trained on.
    /// </summary>
    public string Feedback { get; init; } = Path.Combine(Artifacts, Pipeline, "feedback");

    public static PipelinePaths Resolve(string root, string artifacts, string pipeline)
    {
        var fullRoot = Path.GetFullPath(root);
        var cache = Environment.GetEnvironmentVariable("DIGITFORGE_CACHE") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "digitforge");
        return new PipelinePaths(fullRoot, Path.GetFullPath(artifacts, fullRoot), pipeline, Path.Combine(cache, "downloads"), Path.Combine(cache, "stages"));
    }
}
