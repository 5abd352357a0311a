using System.Runtime.InteropServices;

namespace DigitForge.HackerNews.Stages;

/// <summary>Facts of the machine that can change an ML.NET result: part of the fingerprints.</summary>
internal static class NewsEnvironment
{
    public static IReadOnlyDictionary<string, string> Facts() => new Dictionary<string, string>
    {
        ["mlnet"] = typeof(Microsoft.ML.MLContext).Assembly.GetName().Version?.ToString() ?? "unknown",
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["arch"] = RuntimeInformation.ProcessArchitecture.ToString(),
    };
}
