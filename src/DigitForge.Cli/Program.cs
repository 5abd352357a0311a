using DigitForge.Cli;
using DigitForge.Cli.Commands;
using DigitForge.Inference;

OnnxRuntimeTelemetry.DisableUnlessSet();
var parsed = CommandLine.Build().Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"error: {error.Message}");
    }

    Console.Error.WriteLine("Run 'digitforge --help' for usage.");
    return ExitCodes.UsageError;
}

return parsed.Invoke();
