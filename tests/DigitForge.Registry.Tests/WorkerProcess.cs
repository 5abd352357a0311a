using System.Diagnostics;
using System.Globalization;

namespace DigitForge.Registry.Tests;

/// <summary>Runs <see cref="WorkerProgram"/> in other processes, against the same model folder.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];
    private readonly List<string> errors = [];

    private WorkerProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(errors, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The model names of the rounds the worker reported finished.</summary>
    public IReadOnlyList<string> Finished
    {
        get
        {
            lock (output)
            {
                return [.. output.Select(line => line.Split(' ')[^1])];
            }
        }
    }

    public static WorkerProcess Start(string models, string name, int rounds)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { typeof(WorkerProgram).Assembly.Location, WorkerProgram.Command, models, name, rounds.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return new WorkerProcess(Process.Start(start)!);
    }

    /// <summary>Waits for a clean exit; a failure or timeout fails the test with what the worker printed.</summary>
    public void WaitForSuccess(TimeSpan timeout)
    {
        var exited = process.WaitForExit(timeout);
        if (exited)
        {
            process.WaitForExit(); // drains the redirected output
        }

        (exited && process.ExitCode == 0).Should().BeTrue($"the worker should finish within {timeout.TotalSeconds} s; stderr: {Errors()}");
    }

    public void WaitForRounds(int rounds, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Finished.Count < rounds)
        {
            (process.HasExited || DateTime.UtcNow > deadline).Should().BeFalse($"the worker should reach round {rounds}; stderr: {Errors()}");
            Thread.Sleep(20);
        }
    }

    /// <summary>SIGKILL, as kill -9: no finally blocks, no flushing.</summary>
    public void KillHard()
    {
        process.Kill();
        process.WaitForExit();
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            KillHard();
        }

        process.Dispose();
    }

    private string Errors()
    {
        lock (errors)
        {
            return string.Join(Environment.NewLine, errors);
        }
    }

    private static void Append(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    // The dotnet host running the tests, so children use the same runtime.
    private static string DotnetHost() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet"
            ? Environment.ProcessPath!
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
}
