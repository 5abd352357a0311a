using DigitForge.Engine.Platform;
using DigitForge.Scoring;
using DigitForge.Scoring.Pipeline;

namespace DigitForge.ScoreTool;

/// <summary>Runs one scoring request on the console: setup errors become one line and an exit code,
/// Ctrl+C or SIGTERM stops after the batch in hand, and the summary is printed at the end.</summary>
public static class ScoreApp
{
    public static int Run(Func<ScoringRequest> request, TextWriter output, TextWriter error, bool failOnDrift = false)
    {
        try
        {
            using var run = ScoringRun.Prepare(request());
            using var cancellation = new ConsoleCancellation();
            SummaryPrinter.Start(output, run);
            var outcome = ProgressDisplay.For(output).RunAsync(run, cancellation.Token).GetAwaiter().GetResult();
            SummaryPrinter.End(output, run, outcome);
            return !outcome.Completed ? ExitCodes.Cancelled
                : failOnDrift && run.Drift?.Drifted == true ? ExitCodes.Drifted
                : outcome.HasFailures ? ExitCodes.CompletedWithFailures
                : ExitCodes.Success;
        }
        catch (ScoringSetupException ex)
        {
            return Fail(error, ExitCodes.For(ex.Problem), ex.Message, ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(error, ExitCodes.Failure, ex.Message, ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return Fail(error, ExitCodes.Failure, $"unexpected {ex.GetType().Name}: {ex.Message} (set DIGITFORGE_DEBUG=1 for the stack trace)", ex);
        }
    }

    private static int Fail(TextWriter error, int exitCode, string message, Exception ex)
    {
        error.WriteLine($"error: {message}");
        if (Environment.GetEnvironmentVariable("DIGITFORGE_DEBUG") == "1")
        {
            error.WriteLine(ex);
        }

        return exitCode;
    }
}
