using DigitForge.Engine.Storage;

namespace DigitForge.Registry.Store;

/// <summary>
/// Each model version's HTML report, kept as <c>reports/&lt;version&gt;.html</c> when the Report stage's folder moves
/// on: written by every pipeline's Report stage, linked from the dashboard.
/// </summary>
public static class VersionReport
{
    public static string PathOf(string reportsRoot, string version) => Path.Combine(reportsRoot, version + ".html");

    /// <summary>Writes <paramref name="html"/> as <paramref name="version"/>'s report, atomically; returns its path.</summary>
    public static string Keep(string reportsRoot, string version, string html)
    {
        Directory.CreateDirectory(reportsRoot);
        var path = PathOf(reportsRoot, version);
        AtomicFile.WriteAllText(path, html);
        return path;
    }
}
