namespace DigitForge.HackerNews.Tests;

/// <summary>Files of the repository the tests run from.</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string BundledStories => Path.Combine(Root, "data", "hn", "stories.csv.gz");

    private static string FindRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "DigitForge.sln")))
        {
            folder = folder.Parent ?? throw new InvalidOperationException($"no DigitForge.sln above {AppContext.BaseDirectory}");
        }

        return folder.FullName;
    }
}
