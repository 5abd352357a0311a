namespace DigitForge.Engine.Stages;

/// <summary>
/// One step of a pipeline. Its fingerprint covers <see cref="DescribeInputs"/> plus the hashes
/// of the upstream files it consumes; <see cref="Run"/> writes its outputs into a fresh folder.
/// </summary>
public interface IStage
{
    string Name { get; }

    /// <summary>The upstream outputs this stage reads.</summary>
    IReadOnlyList<StageDependency> Dependencies { get; }

    /// <summary>Everything besides upstream outputs that decides this stage's results. Must be cheap.</summary>
    StageInputs DescribeInputs();

    void Run(StageRunContext context);

    /// <summary>
    /// Outputs whose bytes may differ between two runs with identical inputs (timings, say);
    /// every other output must be reproducible, and <see cref="StagePipeline.Verify"/> checks that it is.
    /// </summary>
    IReadOnlyList<string> VolatileOutputs => [];

    /// <summary>
    /// Whether a run's outputs may be reused from the cache for the same fingerprint. False for a
    /// stage with effects outside its folder (a registry), which must run to have them.
    /// </summary>
    bool Cacheable => true;
}

/// <summary>Files of an upstream stage's outputs that a stage reads.</summary>
public sealed record StageDependency(string Stage, IReadOnlyList<string> Files);
