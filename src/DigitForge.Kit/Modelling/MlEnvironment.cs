using System.Runtime.InteropServices;

namespace DigitForge.Kit.Modelling;

/// <summary>Facts of the machine that can change an ML.NET result: part of the fingerprints of the stages that train or score.</summary>
public static class MlEnvironment
{
    public static IReadOnlyDictionary<string, string> Facts() => new Dictionary<string, string>
    {
        ["mlnet"] = typeof(Microsoft.ML.MLContext).Assembly.GetName().Version?.ToString() ?? "unknown",
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["arch"] = RuntimeInformation.ProcessArchitecture.ToString(),
    };
}
