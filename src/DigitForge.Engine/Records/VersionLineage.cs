using Newtonsoft.Json.Linq;

namespace DigitForge.Engine.Records;

/// <summary>
/// What every pipeline's publishing stage records in a model version's manifest details, whatever else it adds:
/// the production version it was built against, each upstream stage's lineage and the merged recipe.
/// </summary>
public sealed record VersionLineage(string? ParentProduction, IReadOnlyDictionary<string, StageLineage>? Stages, JObject? Config);
