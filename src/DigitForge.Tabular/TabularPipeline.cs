using DigitForge.Engine.Config;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Kit.Reporting;
using DigitForge.Registry.Gate;
using DigitForge.Remote;
using DigitForge.Tabular.Stages;

namespace DigitForge.Tabular;

/// <summary>
/// A pipeline written as data: configs/&lt;name&gt;/pipeline.json declares the CSV, its columns and the task; the recipes
/// beside it set the trainer, the split and the gate. Ingest, Split, Train, Evaluate, Promote, Report, with no code of its own.
/// </summary>
/// <remarks>The declaration is read when the pipeline is first used, so listing the pipelines reads no file, and a
/// broken pipeline.json stops only its own pipeline's builds.</remarks>
public sealed class TabularPipeline(string name, Func<TabularDeclaration> read) : PipelineDefinition<TabularConfig>, IGatedPipeline
{
    private readonly Lazy<TabularDeclaration> declaration = new(read);

    public override string Name => name;

    public override string Description => Declaration.Description;

    public TabularDeclaration Declaration => declaration.Value;

    public override Type PublishingStage => typeof(PromoteStage);

    public override Type MetricsStage => typeof(EvaluateStage);

    public override IReadOnlyList<MetricSpec> MetricSpecs => TabularMetrics.Specs(Declaration.Task!.Value);

    public override IReadOnlyList<string>? ClassNames => Declaration.Classes;

    public override IPipelineScorer Scorer => new TabularScorer(Declaration);

    public override IPipelineServer Server => new TabularServer(Declaration);

    /// <summary>Every pipeline declared by a configs/*/pipeline.json under <paramref name="root"/>, named by its folder.</summary>
    public static IEnumerable<TabularPipeline> Discover(string root)
    {
        var configs = Path.Combine(root, "configs");
        return Directory.Exists(configs)
            ? Directory.EnumerateFiles(configs, TabularDeclaration.FileName, new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1 })
                .Order(StringComparer.Ordinal)
                .Select(file => new TabularPipeline(Path.GetFileName(Path.GetDirectoryName(file)!), () => TabularDeclaration.Load(file)))
            : [];
    }

    public override IEnumerable<string> Headlines(StageGraph graph)
    {
        var evaluate = graph.Store.DirectoryOf(StageNames.Of<EvaluateStage>());
        if (File.Exists(Path.Combine(evaluate, TabularMetrics.TextFile)))
        {
            yield return File.ReadAllLines(Path.Combine(evaluate, TabularMetrics.TextFile))[0];
        }

        var html = Path.Combine(graph.Store.DirectoryOf(StageNames.Of<ReportStage>()), HeadlineReport.ReportFile);
        if (File.Exists(html))
        {
            yield return $"Report: {html}";
        }
    }

    public override IReadOnlyDictionary<string, double> Metrics(string folder)
    {
        return File.Exists(Path.Combine(folder, TabularMetrics.File)) ? TabularMetrics.Read(folder).Figures() : new Dictionary<string, double>();
    }

    public GateDecision Gate(object config, GateSubject candidate, GateSubject? production) =>
        TabularGate.Decide(TabularMetrics.Read(candidate.Files.Directory), production is null ? null : TabularMetrics.Read(production.Files.Directory), ((TabularConfig)config).Promote, Declaration.Task!.Value);

    protected override IEnumerable<IStage> Stages(TabularConfig config, PipelinePaths paths, BuildOptions options)
    {
        Trainers.Check(config.Train, Declaration.Task!.Value, Name);
        TabularGate.Check(config.Promote, Declaration.Task!.Value);
        return
        [
            new IngestStage(Declaration, paths.Root, paths.DownloadCache),
            new SplitStage(Declaration, config.Split),
            new TrainStage(Declaration, config.Train),
            new EvaluateStage(Declaration),
            new PromoteStage(Declaration, config.Promote, RegistrySettings.Target(paths.Models, Name), options.ForcePromotion),
            new ReportStage(Name, Declaration, paths.Reports),
        ];
    }
}
