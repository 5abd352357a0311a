using System.Reflection;
using TorchSharp;

namespace DigitForge.Training.Model;

/// <summary>Versions of the ML stack, for stage fingerprints.</summary>
public static class TorchInfo
{
    /// <summary>TorchSharp's package version, e.g. "0.107.0" (from its assembly; no native load).</summary>
    public static string TorchSharpVersion { get; } = ReadTorchSharpVersion();

    /// <summary>The libtorch version TorchSharp was built against, e.g. "2.10.0.0" (loads the native backend).</summary>
    public static string LibTorchVersion => torch.__version__;

    /// <summary>"TorchSharp 0.107.0; libtorch 2.10.0.0" — loads the native backend.</summary>
    public static string Describe() => $"TorchSharp {TorchSharpVersion}; libtorch {LibTorchVersion}";

    private static string ReadTorchSharpVersion()
    {
        var assembly = typeof(torch).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrEmpty(informational))
        {
            // Drop SourceLink's "+commit" suffix if present.
            var plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus >= 0 ? informational[..plus] : informational;
        }

        return assembly.GetName().Version?.ToString() ?? "unknown";
    }
}
