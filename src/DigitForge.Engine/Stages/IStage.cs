namespace DigitForge.Engine.Stages;

/// <summary>
/// One step of a pipeline. Its fingerprint covers <see cref="DescribeInputs"/>, the code its type
/// reaches (<see cref="Hashing.CodeReach"/>) and the hashes of the upstream files it consumes;
/// <see cref="Run"/> writes its outputs into a fresh folder.
/// </summary>
public interface IStage
{
    /// <summary>The stage's name everywhere (Cake task, output folder, records): its class name without "Stage".</summary>
    string Name => StageNames.Of(GetType());

    /// <summary>One line for <c>--description</c>, the graph and the report.</summary>
    string Description { get; }

    /// <summary>The upstream outputs this stage reads.</summary>
    IReadOnlyList<StageDependency> Dependencies { get; }

    /// <summary>Everything besides upstream outputs that decides this stage's results. Must be cheap.</summary>
    StageInputs DescribeInputs();

    void Run(StageRunContext context);

    /// <summary>
    /// Outputs whose bytes may differ between two runs with identical inputs (timings, say);
    /// every other output must be reproducible, and <see cref="Pipelines.StageGraph.Verify"/> checks that it is.
    /// </summary>
    IReadOnlyList<string> VolatileOutputs => [];

    /// <summary>
    /// Whether a run's outputs may be reused from the cache for the same fingerprint. False for a
    /// stage with effects outside its folder (a registry), which must run to have them.
    /// </summary>
    bool Cacheable => true;

    /// <summary>
    /// Why the effects the last good run had outside the stage's folder (a registry entry) are gone, given
    /// that run's <paramref name="outputFolder"/>; null when they are there or cannot be checked cheaply.
    /// A reason makes the stage stale.
    /// </summary>
    string? MissingEffect(string outputFolder) => null;
}

/// <summary>Files of an upstream stage's outputs that a stage reads; the upstream is named by its type.</summary>
public sealed record StageDependency(Type Stage, IReadOnlyList<string> Files)
{
    public string StageName => StageNames.Of(Stage);

    public static StageDependency On<TStage>(params IReadOnlyList<string> files) where TStage : IStage => new(typeof(TStage), files);
}

/// <summary>A stage's name is derived from its type, so no stage name is ever written as a string.</summary>
public static class StageNames
{
    private const string Suffix = "Stage";

    public static string Of<TStage>() where TStage : IStage => Of(typeof(TStage));

    public static string Of(Type stage)
    {
        if (!typeof(IStage).IsAssignableFrom(stage))
        {
            throw new ArgumentException($"{stage.FullName} is not a stage (it does not implement {nameof(IStage)})", nameof(stage));
        }

        return stage.Name.EndsWith(Suffix, StringComparison.Ordinal) && stage.Name.Length > Suffix.Length
            ? stage.Name[..^Suffix.Length]
            : stage.Name;
    }
}
