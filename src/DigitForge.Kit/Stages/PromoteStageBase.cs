using DigitForge.Engine.Hashing;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using Newtonsoft.Json.Linq;

namespace DigitForge.Kit.Stages;

/// <summary>
/// What every pipeline's Promote stage does, given the files a version keeps and the pipeline's metrics and gate:
/// stores the model as a version of the pipeline's registry (one per distinct content), with those files and its
/// lineage, and lets the gate decide whether it replaces production; <paramref name="force"/> promotes it anyway,
/// recorded. A pipeline derives its own <c>PromoteStage</c> from this class, so the stage's code fingerprint
/// reaches the pipeline's gate and figures through the overrides.
/// </summary>
/// <param name="gate">The recipe's gate section: the stage's config, and the lineage's.</param>
/// <param name="target">The pipeline's registry, local or remote (DIGITFORGE_REGISTRY): opened when the stage runs, and
/// part of the fingerprint, so pointing the build at another registry promotes there too.</param>
public abstract class PromoteStageBase(object gate, RegistryTarget target, bool force) : IStage
{
    public const string DecisionFile = PromotionDecision.FileName;

    public abstract string Description { get; }

    /// <summary>The upstream files a version keeps, by stage: enough to score with and to explain the model.</summary>
    protected abstract IReadOnlyList<StageDependency> Kept { get; }

    /// <summary>Upstreams read besides the kept files, which the version's lineage records.</summary>
    protected virtual IReadOnlyList<StageDependency> AlsoRead => [];

    public IReadOnlyList<StageDependency> Dependencies => [.. AlsoRead, .. Kept];

    /// <summary>Its effect is the registry entry, so it must run; a cached decision.json would register nothing.</summary>
    public bool Cacheable => false;

    public string? MissingEffect(string outputFolder) => target.MissingPromotion();

    public StageInputs DescribeInputs() => new(new { promote = gate }, new Dictionary<string, string>(), target.Facts());

    /// <summary>The kept files whose bytes make a version: the same model, whatever else changed, is the same version.</summary>
    protected abstract IEnumerable<string> ModelFiles(StageRunContext context);

    /// <summary>What the registry lists of the candidate: its test figures and test set.</summary>
    protected abstract ModelMetrics Figures(StageRunContext context);

    /// <summary>The gate on the candidate's kept files in <paramref name="candidate"/> against production's folder (null: none yet).</summary>
    protected abstract GateDecision Gate(string candidate, string? production);

    public void Run(StageRunContext context)
    {
        var contentHash = ContentHash.OfText(string.Concat(ModelFiles(context).Select(ContentHash.OfFile)));
        Promotion.Publish(
            context,
            target,
            contentHash,
            (directory, version, production) => WriteVersion(context, directory, version, production),
            Figures(context),
            (entry, production, store) => Gate(store.Get(entry.Version).Directory, production is null ? null : store.Get(production.Version).Directory),
            force);
    }

    // The version's files, and its lineage for the manifest: every upstream stage's fingerprint parts and the merged recipe.
    private JObject WriteVersion(StageRunContext context, string directory, string version, string? parentProduction)
    {
        foreach (var path in Kept.SelectMany(d => d.Files.Select(file => context.UpstreamFile(d.StageName, file))))
        {
            File.Copy(path, Path.Combine(directory, Path.GetFileName(path)));
        }

        var lineage = VersionLineage.Of(context, parentProduction, (JObject)CanonicalJson.ToToken(new { promote = gate }));
        return JObject.FromObject(
            new { version, lineage.ParentProduction, lineage.Stages, lineage.Config },
            Newtonsoft.Json.JsonSerializer.Create(JsonFile.Settings));
    }
}
