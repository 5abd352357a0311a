using System.Diagnostics;

namespace DigitForge.Remote.Tests;

/// <summary>Runs <see cref="RegistryWorker"/> in another process with its own environment, collecting what it prints.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];

    private ChildProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (output)
            {
                return [.. output];
            }
        }
    }

    public static ChildProcess Worker(IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(RegistryWorker).Assembly.Location);
        start.ArgumentList.Add(RegistryWorker.Command);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new ChildProcess(Process.Start(start)!);
    }

    /// <summary>Waits for the exit and returns its code; a timeout fails the test with what it printed.</summary>
    public int Wait(TimeSpan timeout)
    {
        process.WaitForExit(timeout).Should().BeTrue($"the worker should finish within {timeout.TotalSeconds} s; it printed: {string.Join(" | ", Output)}");
        process.WaitForExit();
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.Add(line);
            }
        }
    }

    // The dotnet host running the tests, so children use the same runtime.
    private static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
            ? Environment.ProcessPath!
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
}
