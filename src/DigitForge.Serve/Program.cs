using DigitForge.Serve;
using DigitForge.Inference;

OnnxRuntimeTelemetry.DisableUnlessSet();
var parsed = ServeCommand.Create().Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"error: {error.Message}");
    }

    Console.Error.WriteLine("Run 'digitforge-serve --help' for usage.");
    return 2;
}

return parsed.Invoke();
