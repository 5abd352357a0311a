using DigitForge.Engine.Pipelines;
using DigitForge.Registry.Store;
using DigitForge.Scoring;
using DigitForge.Scoring.Pipeline;

namespace DigitForge.Mnist.Scoring;

/// <summary>
/// MNIST's scorer: a folder of digit images through the DigitForge.Scoring library, in process, as the standalone
/// <c>digitforge-score</c> tool runs it (same checks, golden gate, output, drift and summary). ONNX Runtime only:
/// this type must reach nothing in DigitForge.Training, so scoring never loads TorchSharp.
/// </summary>
public sealed class ImageScorer : IPipelineScorer
{
    public string InputDescription => "a folder of digit images (PNG, JPEG, BMP, GIF)";

    public ScoreOutcome Score(ScoreRequest request, CancellationToken cancellation)
    {
        request.RefuseOtherThan("--input", "--recursive", "--resume", "--overwrite", "--all-files", "--raw", "--fail-on-drift", "--precision", "--log");
        var folder = request.Input ?? throw new ScoreSetupException(ScoreSetupProblem.Usage, "score needs --input=<folder of images>");
        try
        {
            using var run = ScoringRun.Prepare(new ScoringRequest
            {
                Folder = folder,
                Model = request.Model,
                Precision = request.Precision is { } precision ? Precision(precision) : null,
                ModelsRoot = request.Paths.Models,
                Output = request.Output,
                Recursive = request.Recursive,
                AllFiles = request.AllFiles,
                Resume = request.Resume,
                Overwrite = request.Overwrite,
                Settings = new ScoringSettings { Preprocess = !request.Raw },
                Log = request.Record,
                LogTime = request.At,
            });
            SummaryPrinter.Start(request.Log, run);
            var outcome = PlainProgress.RunAsync(run, request.Log, TimeSpan.FromSeconds(5), cancellation).GetAwaiter().GetResult();
            SummaryPrinter.End(request.Log, run, outcome);
            return !outcome.Completed ? ScoreOutcome.Cancelled
                : request.FailOnDrift && run.Drift?.Drifted == true ? ScoreOutcome.Drifted
                : outcome.HasFailures ? ScoreOutcome.CompletedWithFailures
                : ScoreOutcome.Scored;
        }
        catch (ScoringSetupException ex)
        {
            throw new ScoreSetupException(
                ex.Problem switch
                {
                    SetupProblem.Usage => ScoreSetupProblem.Usage,
                    SetupProblem.RemoteUnavailable => ScoreSetupProblem.RemoteUnavailable,
                    SetupProblem.GoldenCheckFailed => ScoreSetupProblem.GoldenCheckFailed,
                    _ => ScoreSetupProblem.Input,
                },
                ex.Message,
                ex);
        }
    }

    private static ModelPrecision Precision(string text)
    {
        try
        {
            return PrecisionChoice.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new ScoreSetupException(ScoreSetupProblem.Usage, $"--precision: {ex.Message}", ex);
        }
    }
}
