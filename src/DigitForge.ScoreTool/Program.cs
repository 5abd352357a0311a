using DigitForge.ScoreTool;
using DigitForge.Inference;

OnnxRuntimeTelemetry.DisableUnlessSet();
var parsed = ScoreCommand.Create().Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"error: {error.Message}");
    }

    Console.Error.WriteLine("Run 'digitforge-score --help' for usage.");
    return ExitCodes.UsageError;
}

return parsed.Invoke();
