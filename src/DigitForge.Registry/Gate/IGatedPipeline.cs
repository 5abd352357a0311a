using DigitForge.Registry.Store;

namespace DigitForge.Registry.Gate;

/// <summary>One side of a gate decision: a registered version and its files.</summary>
public sealed record GateSubject(RegistryEntry Entry, ModelVersion Files);

/// <summary>
/// A pipeline whose versions pass a quality gate, declared once: its Promote stage and <c>digitforge models promote</c>
/// both apply it, whatever the pipeline's metrics.
/// </summary>
public interface IGatedPipeline
{
    /// <summary>The gate of <paramref name="config"/> (a recipe of this pipeline as its config class) for a candidate against production.</summary>
    GateDecision Gate(object config, GateSubject candidate, GateSubject? production);
}
