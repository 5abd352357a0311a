using System.Reflection;

namespace DigitForge.Engine.Stages;

/// <summary>What a stage's results depend on, besides the upstream files it reads.</summary>
/// <param name="Code">Assemblies that implement the stage; their code is hashed (metadata and IL, not debug information: see <see cref="Hashing.AssemblyCodeHash"/>).</param>
/// <param name="Config">The resolved config the stage reads; recorded in full and hashed canonically.</param>
/// <param name="Files">External input files by name (for example a data source), hashed by content.</param>
/// <param name="Environment">Facts of the machine or libraries that change results (library versions, threads).</param>
public sealed record StageInputs(
    IReadOnlyList<Assembly> Code,
    object Config,
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyDictionary<string, string> Environment);
