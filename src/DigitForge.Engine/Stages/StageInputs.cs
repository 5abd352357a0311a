namespace DigitForge.Engine.Stages;

/// <summary>
/// What a stage's results depend on, besides its code and the upstream files it reads. Its code is
/// not listed: the fingerprint covers what the stage's type can reach (<see cref="Hashing.CodeReach"/>).
/// </summary>
/// <param name="Config">The resolved config the stage reads; recorded in full and hashed canonically.</param>
/// <param name="Files">External input files by name (for example a data source), hashed by content.</param>
/// <param name="Environment">Facts of the machine or libraries that change results (library versions, threads).</param>
public sealed record StageInputs(
    object Config,
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyDictionary<string, string> Environment);
