using System.Diagnostics;
using System.Text.Json;

namespace DigitForge.Benchmarks;

/// <summary>
/// Runs one measurement in a fresh process of this program: libtorch's set-up, thread pools and
/// allocator state would otherwise carry over from one loop to the next, and the peak memory
/// would be the larger loop's.
/// </summary>
internal static class ChildProcess
{
    public static T Measure<T>(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location); // started as 'dotnet X.dll'
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"measurement '{string.Join(' ', start.ArgumentList)}' failed with exit code {process.ExitCode}");
        }

        var lastLine = output.TrimEnd().Split('\n')[^1];
        return JsonSerializer.Deserialize<T>(lastLine)!;
    }
}
