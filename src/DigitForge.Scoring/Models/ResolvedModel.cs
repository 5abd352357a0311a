namespace DigitForge.Scoring.Models;

/// <summary>The ONNX file a run scores with, and how to name it to a person ("production v0003-3fa2c1d").</summary>
public sealed record ResolvedModel(string OnnxPath, string Description);
