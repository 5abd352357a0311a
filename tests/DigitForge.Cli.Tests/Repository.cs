namespace DigitForge.Cli.Tests;

/// <summary>The repository the tests run in: its recipes and data are what the commands under test read.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "DigitForge.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("DigitForge.sln not found above the test's folder");
        }

        return directory.FullName;
    }
}
