using System.Globalization;
using DigitForge.Engine.Caching;
using DigitForge.Engine.Config;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;
using Newtonsoft.Json.Linq;

namespace DigitForge.Engine.Pipelines;

/// <summary>How a build is asked to run, beyond the recipe.</summary>
/// <param name="ForcePromotion">Promote even when the quality gate rejects (recorded as an override).</param>
/// <param name="Cache">Where stale stages are restored from and new outputs kept; none: every stale stage runs.</param>
public sealed record BuildOptions(bool ForcePromotion = false, StageCache? Cache = null);

/// <summary>Which way a metric improves: what <c>models compare</c> calls better or worse.</summary>
public enum MetricSense
{
    HigherIsBetter,
    LowerIsBetter,
}

/// <summary>
/// A metric a pipeline records, its sense, and the values it can take (so a plot's axis never runs past them).
/// </summary>
/// <param name="Name">Its key in <see cref="IPipelineDefinition.Metrics(string)"/>.</param>
public sealed record MetricSpec(string Name, MetricSense Sense, double Min = double.NegativeInfinity, double Max = double.PositiveInfinity)
{
    /// <summary>Accuracy, recall and the like: a share, from 0 to 1, higher is better.</summary>
    public static MetricSpec Fraction(string name) => new(name, MetricSense.HigherIsBetter, 0, 1);

    /// <summary>Errors and losses: 0 at best, no upper bound.</summary>
    public static MetricSpec Error(string name) => new(name, MetricSense.LowerIsBetter, 0);

    /// <summary>A correlation or R²: at most 1, higher is better.</summary>
    public static MetricSpec Score(string name) => new(name, MetricSense.HigherIsBetter, double.NegativeInfinity, 1);

    public bool IsFraction => Min == 0 && Max == 1;

    /// <summary>A value of this metric as text: a fraction as a percentage, anything else to four decimals.</summary>
    public string Format(double value) => value.ToString(IsFraction ? "P2" : "0.####", CultureInfo.InvariantCulture);
}

/// <summary>One figure of a model version, as <c>models compare</c> sets two versions' side by side.</summary>
/// <param name="RecallOf">The class whose recall this is, if it is one: the comparison lists the classes that got better or worse by it.</param>
public sealed record VersionFigure(string Name, double Value, MetricSense Sense, string? RecallOf = null);

/// <summary>What a model version's on-load check found (a golden set, say), as one line; <paramref name="Failed"/>: scoring and serving refuse the version on this machine.</summary>
public sealed record VersionCheck(string Summary, bool Failed);

/// <summary>One file of a stage's outputs; the stage is named by its type.</summary>
public sealed record StageOutput(Type Stage, string File)
{
    public string StageName => StageNames.Of(Stage);
}

/// <summary>A pipeline as the engine, the CLI and the Cake script see it, whatever its config type.</summary>
public interface IPipelineDefinition
{
    /// <summary>Lower-case name used by <c>--pipeline</c>, configs/&lt;name&gt;/ and artifacts/&lt;name&gt;/.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>The recipe a build uses unless told otherwise, relative to the repository.</summary>
    string DefaultConfig => Path.Combine("configs", Name, "default.json");

    /// <summary>The stage whose run registers a model version; what <c>verify --model</c> re-trains up to. None: no registry.</summary>
    Type? PublishingStage { get; }

    /// <summary>The build's headline figures (a metric, where the report is), read from the committed outputs.</summary>
    IEnumerable<string> Headlines(StageGraph graph);

    /// <summary>The recipe's class: what its JSON binds to (and its JSON Schema is generated from).</summary>
    Type ConfigType { get; }

    /// <summary>The stage whose outputs hold the headline metrics: a run records them only when it includes that stage.</summary>
    Type? MetricsStage { get; }

    /// <summary>The headline metrics as numbers, for the run history, read from the committed outputs; empty when not measured.</summary>
    IReadOnlyDictionary<string, double> Metrics(StageGraph graph);

    /// <summary>
    /// The headline metrics read from <paramref name="folder"/>: the <see cref="MetricsStage"/>'s outputs, or a model
    /// version that keeps them; empty when the folder holds none.
    /// </summary>
    IReadOnlyDictionary<string, double> Metrics(string folder);

    /// <summary>Every metric <see cref="Metrics(string)"/> gives, with its sense and range, headline first.</summary>
    IReadOnlyList<MetricSpec> MetricSpecs { get; }

    /// <summary>The one metric of <see cref="Metrics(StageGraph)"/> a dashboard plots over time; null: none.</summary>
    MetricSpec? HeadlineMetric { get; }

    /// <summary>A classifier's class names by label (index), for gate reasons, lineage and comparisons; null: not a classifier.</summary>
    IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Every figure of a model version in <paramref name="folder"/> that <c>models compare</c> sets side by side, details included.</summary>
    IReadOnlyList<VersionFigure> Figures(string folder);

    /// <summary>What <c>models show</c> says of a version beyond the shared lineage (exports, timings, libraries), from its folder and manifest details.</summary>
    IEnumerable<string> VersionFacts(string folder, JObject details);

    /// <summary>The check a version passes where it is loaded (a golden set, say), run by <c>models verify</c>; null: the pipeline has none.</summary>
    VersionCheck? CheckVersion(string folder);

    /// <summary>How <c>digitforge score</c> scores inputs with this pipeline's models; null: it has no scorer.</summary>
    IPipelineScorer? Scorer { get; }

    /// <summary>How <c>digitforge-serve</c> serves this pipeline's production model; null: it is not served.</summary>
    IPipelineServer? Server { get; }

    /// <summary>The output holding the per-epoch training curves that <c>experiments plot</c> overlays (a JSON array of epochs); null: none.</summary>
    StageOutput? TrainingHistory { get; }

    /// <summary>The config key of the thread count training runs with, which a sweep sets per member (<c>--jobs</c> splits the cores); null: none.</summary>
    string? ThreadsKey { get; }

    /// <summary>The recipe, validated, as the pipeline's config class.</summary>
    object LoadConfig(string configFile, IEnumerable<ConfigOverride> overrides);

    StageGraph Create(string configFile, IEnumerable<ConfigOverride> overrides, PipelinePaths paths, BuildOptions options);

    /// <summary>The graph for a recipe recorded as JSON (a model version's manifest).</summary>
    StageGraph Create(JObject config, string origin, PipelinePaths paths, BuildOptions options);
}

/// <summary>
/// One pipeline, declared once: its config type and its stages. Each stage names its upstreams by
/// type, so order, upstream folders, status, Verify, lineage and the Cake tasks all derive from here.
/// </summary>
public abstract class PipelineDefinition<TConfig> : IPipelineDefinition
    where TConfig : class, new()
{
    public abstract string Name { get; }

    public abstract string Description { get; }

    public virtual Type? PublishingStage => null;

    public virtual IEnumerable<string> Headlines(StageGraph graph) => [];

    public Type ConfigType => typeof(TConfig);

    public virtual Type? MetricsStage => null;

    public IReadOnlyDictionary<string, double> Metrics(StageGraph graph) =>
        MetricsStage is { } stage ? Metrics(graph.Store.DirectoryOf(StageNames.Of(stage))) : new Dictionary<string, double>();

    public virtual IReadOnlyDictionary<string, double> Metrics(string folder) => new Dictionary<string, double>();

    public virtual IReadOnlyList<MetricSpec> MetricSpecs => [];

    public virtual MetricSpec? HeadlineMetric => MetricSpecs.FirstOrDefault();

    public virtual IReadOnlyList<string>? ClassNames => null;

    /// <summary>By default the headline metrics, each with its declared sense.</summary>
    public virtual IReadOnlyList<VersionFigure> Figures(string folder)
    {
        var metrics = Metrics(folder);
        return [.. MetricSpecs.Where(spec => metrics.ContainsKey(spec.Name)).Select(spec => new VersionFigure(spec.Name, metrics[spec.Name], spec.Sense))];
    }

    public virtual IEnumerable<string> VersionFacts(string folder, JObject details) => [];

    public virtual VersionCheck? CheckVersion(string folder) => null;

    public virtual IPipelineScorer? Scorer => null;

    public virtual IPipelineServer? Server => null;

    public virtual StageOutput? TrainingHistory => null;

    public virtual string? ThreadsKey => null;

    /// <summary>The stages for a recipe, in any order: the graph orders them by their dependencies.</summary>
    protected abstract IEnumerable<IStage> Stages(TConfig config, PipelinePaths paths, BuildOptions options);

    public object LoadConfig(string configFile, IEnumerable<ConfigOverride> overrides) => ConfigLoader<TConfig>.Load(configFile, overrides);

    public StageGraph Create(string configFile, IEnumerable<ConfigOverride> overrides, PipelinePaths paths, BuildOptions options) =>
        Create(ConfigLoader<TConfig>.Load(configFile, overrides), paths, options);

    public StageGraph Create(JObject config, string origin, PipelinePaths paths, BuildOptions options) =>
        Create(ConfigLoader<TConfig>.Bind(config, origin), paths, options);

    public StageGraph Create(TConfig config, PipelinePaths paths, BuildOptions options) =>
        new(Name, [.. Stages(config, paths, options)], new StageStore(paths.Stages), options.Cache);
}
