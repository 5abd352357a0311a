using DigitForge.Registry.Store;

namespace DigitForge.Scoring.Models;

/// <summary>The ONNX file a run scores with, and how to name it to a person ("production v0003-3fa2c1d (int8)").</summary>
public sealed record ResolvedModel(string OnnxPath, string Description)
{
    /// <summary>The registry version the file belongs to, checked against its golden set when opened; null for a file given by path.</summary>
    public RegistrySource? Source { get; init; }
}

/// <summary>Where a registry version's file came from: the version, how it was named ("production", "version"),
/// and whether <c>--precision</c> chose its precision (then no fallback is allowed).</summary>
public sealed record RegistrySource(ModelVersion Version, string Role, PrecisionChoice Choice, bool Requested)
{
    public string Describe(PrecisionChoice choice) => $"{Role} {Version.Name} ({PrecisionChoice.Name(choice.Precision)})";
}
