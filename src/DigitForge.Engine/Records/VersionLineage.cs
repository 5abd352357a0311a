using DigitForge.Engine.Stages;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace DigitForge.Engine.Records;

/// <summary>
/// What every pipeline's publishing stage records in a model version's manifest details, whatever else it adds:
/// the production version it was built against, each upstream stage's lineage and the merged recipe.
/// <c>models show</c> and <c>verify --model</c> read these three.
/// </summary>
public sealed record VersionLineage(string? ParentProduction, IReadOnlyDictionary<string, StageLineage>? Stages, JObject? Config)
{
    /// <summary>
    /// The lineage of a version the running stage publishes: every stage it reads from, as it declared them, and the
    /// recipe merged from their configs and its own (<paramref name="ownConfig"/>).
    /// </summary>
    public static VersionLineage Of(StageRunContext context, string? parentProduction, JObject ownConfig)
    {
        var records = context.Upstreams.ToDictionary(s => s, context.UpstreamRecord);
        var config = new JObject();
        foreach (var stageConfig in records.Values.Select(r => r.Config).Append(ownConfig).OfType<JObject>())
        {
            config.Merge(stageConfig, new JsonMergeSettings { MergeArrayHandling = MergeArrayHandling.Replace });
        }

        return new(parentProduction, records.ToDictionary(r => r.Key, r => StageLineage.Of(r.Value)), config);
    }
}
