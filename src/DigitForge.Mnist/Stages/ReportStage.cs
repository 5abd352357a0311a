using DigitForge.Data;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Evaluation.Metrics;
using DigitForge.Mnist.Reporting;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using DigitForge.Reporting.Plots;

namespace DigitForge.Mnist.Stages;

/// <summary>
/// Report: the evaluation report of the model the last Promote decided on, as a self-contained
/// <c>report.html</c> plus its figures as PNG files; also kept as <c>reports/&lt;version&gt;.html</c>
/// beside the stages, one per model version.
/// </summary>
public sealed class ReportStage(string reportsRoot) : IStage
{
    public const string HtmlFile = "report.html";
    public const string FiguresFolder = "figures";


    public string Description => "Writes the self-contained HTML report of the evaluated model.";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        StageDependency.On<PreprocessStage>([.. DatasetFiles.Pair(DatasetFiles.Test)]),
        StageDependency.On<TrainStage>([TrainStage.HistoryFile]),
        StageDependency.On<EvaluateStage>([EvaluateStage.MetricsFile]),
        StageDependency.On<PromoteStage>([PromoteStage.DecisionFile]),
    ];

    /// <summary>It writes the per-version copy outside its folder, so it runs rather than being restored.</summary>
    public bool Cacheable => false;

    public StageInputs DescribeInputs() => new(
        new { },
        new Dictionary<string, string>(),
        new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var decision = JsonFile.Read<PromotionDecision>(context.UpstreamFile<PromoteStage>(PromoteStage.DecisionFile));
        var report = ReportWriter.Read(context.UpstreamFile<EvaluateStage>(EvaluateStage.MetricsFile));
        var history = JsonFile.Read<List<EpochPoint>>(context.UpstreamFile<TrainStage>(TrainStage.HistoryFile));
        var test = DatasetFiles.LoadUpstream<PreprocessStage>(context, DatasetFiles.Test);

        Figure[] figures =
        [
            new("loss.png", "Training and validation loss per epoch", ReportPlots.Loss(history)),
            new("accuracy.png", "Training and validation accuracy per epoch", ReportPlots.Accuracy(history)),
            new("learning-rate.png", "Learning rate per epoch", ReportPlots.LearningRate(history)),
            new("confusion-matrix.png", "Confusion matrix on the test split", ReportPlots.ConfusionMatrix(report)),
            new("per-class.png", "Precision, recall and F1 per digit", ReportPlots.PerClass(report)),
            new("reliability.png", "Reliability diagram: confidence against accuracy", ReportPlots.Reliability(report)),
        ];
        var pixels = test.Rows * test.Columns;
        var wrong = report.MostConfidentWrong
            .Select(w => new WrongExample(w, DigitImage.Png(test.Pixels.AsSpan(w.Index * pixels, pixels), test.Rows, test.Columns)))
            .ToList();

        Directory.CreateDirectory(context.OutputFile(FiguresFolder));
        foreach (var figure in figures)
        {
            File.WriteAllBytes(Path.Combine(context.OutputFile(FiguresFolder), figure.FileName), figure.Png);
        }

        var html = HtmlReport.Render(decision, report, figures, wrong, DateTimeOffset.UtcNow, context.PipelinePicture());
        AtomicFile.WriteAllText(context.OutputFile(HtmlFile), html);
        var kept = VersionReport.Keep(reportsRoot, decision.Version, html);
        context.Log.Info($"report of {decision.Version}: {kept} ({html.Length / 1024} KiB, {figures.Length} figures, {wrong.Count} wrong examples)");
    }

    /// <summary>The timestamp in the page differs run to run.</summary>
    public IReadOnlyList<string> VolatileOutputs => [HtmlFile];
}
