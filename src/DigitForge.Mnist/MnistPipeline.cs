using System.Globalization;
using DigitForge.Data.Sources;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Evaluation.Metrics;
using DigitForge.Mnist.Packaging;
using DigitForge.Mnist.Scoring;
using DigitForge.Mnist.Stages;
using DigitForge.Mnist.Feedback;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Feedback;
using DigitForge.Monitoring.Store;
using DigitForge.Training.Model;
using DigitForge.Registry.Gate;
using DigitForge.Remote;
using DigitForge.Training;
using Newtonsoft.Json.Linq;

namespace DigitForge.Mnist;

/// <summary>The MNIST pipeline: the seeds' CNN on handwritten digits, from ingest to report.</summary>
public sealed class MnistPipeline : PipelineDefinition<MnistConfig>, IGatedPipeline, IMonitoredPipeline, IFeedbackExporter
{
    public override string Name => "mnist";

    public override string Description => "Handwritten digits (MNIST): the seeds' CNN trained with TorchSharp, served with ONNX Runtime.";

    public override Type PublishingStage => typeof(PromoteStage);

    public override IEnumerable<string> Headlines(StageGraph graph)
    {
        var metrics = Path.Combine(graph.Store.DirectoryOf(StageNames.Of<EvaluateStage>()), EvaluateStage.MetricsFile);
        if (File.Exists(metrics))
        {
            var report = ReportWriter.Read(metrics);
            yield return string.Create(CultureInfo.InvariantCulture, $"Test accuracy {report.Accuracy:P2} on {report.Count} images, loss {report.Loss:0.0000}");
            if (report.Robustness is { } robustness)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"Worst shift {robustness.Worst.Name}: accuracy {robustness.Worst.Accuracy:P2}");
            }
        }

        var html = Path.Combine(graph.Store.DirectoryOf(StageNames.Of<ReportStage>()), ReportStage.HtmlFile);
        if (File.Exists(html))
        {
            yield return $"Report: {html}";
        }
    }

    public override Type MetricsStage => typeof(EvaluateStage);

    public override IReadOnlyList<MetricSpec> MetricSpecs { get; } =
    [
        MetricSpec.Fraction("accuracy"), MetricSpec.Error("loss"), MetricSpec.Fraction("lowestRecall"), MetricSpec.Fraction("ece") with { Sense = MetricSense.LowerIsBetter },
        MetricSpec.Fraction("worstShiftAccuracy"),
    ];

    /// <summary>The ten classes, by label: how gate reasons, lineage and comparisons name them.</summary>
    public static IReadOnlyList<string> Digits { get; } = [.. Enumerable.Range(0, 10).Select(d => string.Create(CultureInfo.InvariantCulture, $"digit {d}"))];

    public override IReadOnlyList<string> ClassNames => Digits;

    public override IPipelineScorer Scorer { get; } = new ImageScorer();

    public override IPipelineServer Server { get; } = new Serving.DigitServer();

    public override IReadOnlyDictionary<string, double> Metrics(string folder)
    {
        var metrics = Path.Combine(folder, EvaluateStage.MetricsFile);
        if (!File.Exists(metrics))
        {
            return new Dictionary<string, double>();
        }

        var report = ReportWriter.Read(metrics);
        var figures = new Dictionary<string, double>
        {
            ["accuracy"] = report.Accuracy,
            ["loss"] = report.Loss,
            ["lowestRecall"] = report.LowestRecall,
            ["ece"] = report.ExpectedCalibrationError,
        };
        if (report.Robustness is { } robustness)
        {
            figures["worstShiftAccuracy"] = robustness.Worst.Accuracy;
        }

        return figures;
    }

    public override StageOutput TrainingHistory => new(typeof(TrainStage), TrainStage.HistoryFile);

    public override string ThreadsKey => "train.threads";

    public PredictionKind Predicts => PredictionKind.Classification;

    /// <summary>The digits, as the exported model names its labels.</summary>
    public IReadOnlyList<string> Classes { get; } = [.. Enumerable.Range(0, DigitCnn.Classes).Select(d => d.ToString(CultureInfo.InvariantCulture))];

    public MonitorConfig Monitor(object config) => ((MnistConfig)config).Monitor;

    public double? PromotedFigure(Registry.ModelMetrics metrics) => metrics.Accuracy;

    public FeedbackManifest ExportFeedback(IMonitorStore store, object config, PipelinePaths paths, FeedbackWindow window) =>
        ImageFeedback.Export(store, Name, Classes, paths.Feedback, window);

    public IReadOnlyList<string> FeedbackIds(object config) => ((MnistConfig)config).Data!.Feedback ?? [];

    public override IReadOnlyList<VersionFigure> Figures(string folder) => ReportFigures.Of(ReportWriter.Read(Path.Combine(folder, ReportWriter.FileName)), Digits);

    public override IEnumerable<string> VersionFacts(string folder, JObject details) => VersionText.Facts(folder, details);

    public override VersionCheck CheckVersion(string folder) => GoldenChecks.Run(folder);

    /// <summary>The recipe's <c>promote</c> section on the registry's figures, as the Promote stage applies it.</summary>
    public GateDecision Gate(object config, GateSubject candidate, GateSubject? production) =>
        QualityGate.Decide(candidate.Entry.Metrics, production?.Entry.Metrics, ((MnistConfig)config).Promote, Digits);

    protected override IEnumerable<IStage> Stages(MnistConfig config, PipelinePaths paths, BuildOptions options)
    {
        var ingest = new IngestStage(config.Data!, new SourceResolver(paths.Root, new DownloadCache(paths.DownloadCache)));
        return
        [
            ingest,
            new PreprocessStage(config.Preprocess, ingest.HasOfficialTest, TrainingFeedback.Read(paths.Feedback, config.Data!.Feedback, config.Data.FeedbackRepeat)),
            new TrainStage(config.Model, config.Train),
            new EvaluateStage(config.Evaluate, TorchNumerics.Of(config.Train)),
            new PromoteStage(config.Promote, RegistrySettings.Target(paths.Models, Name), TorchNumerics.Of(config.Train), options.ForcePromotion),
            new ReportStage(paths.Reports),
        ];
    }
}
