using System.Diagnostics;

namespace DigitForge.Cli.Tests;

/// <summary>The built <c>digitforge</c> as a real process, in a scratch folder, with no registry or prediction log of the machine's.</summary>
internal static class CliProcess
{
    public static (int Code, string Output, string Error) Run(string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var variable in new[] { "DIGITFORGE_REGISTRY", "DIGITFORGE_REMOTE", Monitoring.Store.MonitorStores.Variable })
        {
            start.Environment.Remove(variable);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "digitforge.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit(TimeSpan.FromMinutes(2)).Should().BeTrue($"digitforge {string.Join(' ', arguments)} should finish");
        return (process.ExitCode, output, error.GetAwaiter().GetResult());
    }
}
