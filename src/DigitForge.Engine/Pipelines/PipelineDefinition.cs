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

/// <summary>A metric a dashboard plots, with the values it can take, so a plot's axis never runs past them.</summary>
/// <param name="Name">Its key in <see cref="IPipelineDefinition.Metrics"/>.</param>
/// <param name="HigherIsBetter">Its sense: which of two runs is better (a sweep's best member).</param>
public sealed record PlottedMetric(string Name, bool HigherIsBetter, double Min = double.NegativeInfinity, double Max = double.PositiveInfinity)
{
    /// <summary>Accuracy, recall and the like: a share, from 0 to 1, higher is better.</summary>
    public static PlottedMetric Fraction(string name) => new(name, HigherIsBetter: true, 0, 1);

    /// <summary>Errors and losses: 0 at best, no upper bound.</summary>
    public static PlottedMetric Error(string name) => new(name, HigherIsBetter: false, 0);
}

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

    /// <summary>The one metric of <see cref="Metrics"/> a dashboard plots over time; null: none.</summary>
    PlottedMetric? HeadlineMetric { get; }

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

    public virtual IReadOnlyDictionary<string, double> Metrics(StageGraph graph) => new Dictionary<string, double>();

    public virtual PlottedMetric? HeadlineMetric => null;

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
