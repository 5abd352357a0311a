namespace DigitForge.Registry.Gate;

/// <summary>A pipeline whose recipe holds the quality gate that <c>digitforge models promote</c> applies by hand.</summary>
public interface IGatedPipeline
{
    /// <summary>The gate in <paramref name="config"/>, a recipe of this pipeline as its config class.</summary>
    GateConfig Gate(object config);
}
