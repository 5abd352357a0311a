using System.Globalization;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using DigitForge.Remote;

namespace DigitForge.ToyPipeline;

/// <summary>
/// A threshold on one number, two classes: small, deterministic and fast, with a registry, the shared gate and
/// a scorer, so every CLI verb has something to work on. It is no built-in pipeline: the CLI finds it only
/// through DIGITFORGE_PIPELINE_ASSEMBLIES.
/// </summary>
public sealed class ToyPipeline : PipelineDefinition<ToyConfig>, IGatedPipeline
{
    public static IReadOnlyList<string> Classes { get; } = ["low", "high"];

    public override string Name => "toy";

    public override string Description => "Toy: a threshold on one number, two classes (a pipeline that lives only in the tests).";

    public override Type PublishingStage => typeof(PromoteStage);

    public override Type MetricsStage => typeof(EvaluateStage);

    public override IReadOnlyList<MetricSpec> MetricSpecs { get; } = [MetricSpec.Fraction("accuracy"), MetricSpec.Fraction("lowestRecall")];

    public override IReadOnlyList<string> ClassNames => Classes;

    public override IPipelineScorer Scorer { get; } = new ToyScorer();

    public override IEnumerable<string> Headlines(StageGraph graph) =>
        Metrics(graph).TryGetValue("accuracy", out var accuracy) ? [string.Create(CultureInfo.InvariantCulture, $"Toy accuracy {accuracy:P2}")] : [];

    public override IReadOnlyDictionary<string, double> Metrics(string folder)
    {
        var file = Path.Combine(folder, ToyMetrics.FileName);
        if (!File.Exists(file))
        {
            return new Dictionary<string, double>();
        }

        var metrics = JsonFile.Read<ToyMetrics>(file);
        return new Dictionary<string, double> { ["accuracy"] = metrics.Accuracy, ["lowestRecall"] = metrics.LowestRecall };
    }

    public override IReadOnlyList<VersionFigure> Figures(string folder)
    {
        var metrics = JsonFile.Read<ToyMetrics>(Path.Combine(folder, ToyMetrics.FileName));
        return
        [
            .. base.Figures(folder),
            .. metrics.Recalls.Select((recall, label) => new VersionFigure($"{Classes[label]} recall", recall, MetricSense.HigherIsBetter, RecallOf: Classes[label])),
        ];
    }

    public GateDecision Gate(object config, GateSubject candidate, GateSubject? production) =>
        QualityGate.Decide(candidate.Entry.Metrics, production?.Entry.Metrics, ((ToyConfig)config).Promote, Classes);

    public static ModelMetrics RegistryMetrics(ToyMetrics metrics) => new(metrics.Accuracy, metrics.LowestRecall, metrics.LowestRecallLabel, metrics.TestSet);

    protected override IEnumerable<IStage> Stages(ToyConfig config, PipelinePaths paths, BuildOptions options) =>
    [
        new IngestStage(config.Data),
        new TrainStage(config.Train),
        new EvaluateStage(),
        new PromoteStage(config.Promote, RegistrySettings.Target(paths.Models, Name), options.ForcePromotion),
        new ReportStage(),
    ];
}

/// <summary>Scores a CSV with an <c>x</c> column: <c>row,x,label,error</c>, a row that is no number getting an error.</summary>
public sealed class ToyScorer : IPipelineScorer
{
    public string InputDescription => "a CSV file with one number a line under the header x";

    public ScoreOutcome Score(ScoreRequest request, CancellationToken cancellation)
    {
        request.RefuseOtherThan("--input", "--overwrite");
        var input = request.Input ?? throw new Engine.Config.ConfigException("score needs --input=FILE");
        if (!File.Exists(input))
        {
            throw new ScoreSetupException(ScoreSetupProblem.Input, $"{input} does not exist");
        }

        if (File.Exists(request.Output) && !request.Overwrite)
        {
            throw new ScoreSetupException(ScoreSetupProblem.Usage, $"{request.Output} exists; add --overwrite to replace it");
        }

        var registry = RegistrySettings.Open(request.Paths.Models, request.Paths.Pipeline);
        var version = registry.Store.Get(ModelReference.ResolveOrProduction(registry, request.Model));
        registry.Store.EnsureIntact(version);
        var model = JsonFile.Read<ToyModel>(version.File(ToyModel.FileName));
        var errors = 0;
        var rows = File.ReadLines(input).Skip(1).Select((line, index) =>
        {
            if (double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out var x))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{index + 1},{line},{ToyPipeline.Classes[model.Predict(x)]},");
            }

            errors++;
            return string.Create(CultureInfo.InvariantCulture, $"{index + 1},{line},,not a number");
        }).ToList();
        AtomicFile.WriteAllText(request.Output, string.Join('\n', ["row,x,label,error", .. rows]) + "\n");
        request.Log.WriteLine($"{rows.Count} rows, {errors} errors, with {version.Name}: {request.Output}");
        return errors == 0 ? ScoreOutcome.Scored : ScoreOutcome.CompletedWithFailures;
    }
}
