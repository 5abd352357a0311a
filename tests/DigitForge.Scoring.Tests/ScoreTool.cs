using System.Diagnostics;

namespace DigitForge.Scoring.Tests;

/// <summary>Runs the built <c>digitforge-score</c> as a real process (output redirected, as in CI).</summary>
internal static class ScoreTool
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <summary>The Score project's build output of the same configuration as these tests.</summary>
    public static string ProjectOutput => Path.Combine(TestData.RepoRoot(), "src", "DigitForge.ScoreTool", "bin", Configuration, "net10.0");

    public static string Configuration => new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    public static Result Run(string workingDirectory, params string[] arguments) =>
        Run(workingDirectory, new Dictionary<string, string?>(), arguments);

    /// <summary>Runs it with these environment variables set (a null value removes the variable).</summary>
    public static Result Run(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        using var process = Start(workingDirectory, environment, arguments);
        return Wait(process, arguments);
    }

    /// <summary>Starts the tool without waiting for it (to run several at once, or to kill one).</summary>
    public static Process Start(string workingDirectory, params string[] arguments) =>
        Start(workingDirectory, new Dictionary<string, string?>(), arguments);

    /// <summary>
    /// Runs it on an emulated CPU: <paramref name="qemu"/> (qemu-x86_64, user mode) translates every
    /// instruction and answers CPUID as <paramref name="cpu"/> does, so ONNX Runtime picks that CPU's kernels.
    /// </summary>
    public static Result RunEmulated(string qemu, string cpu, string workingDirectory, params string[] arguments)
    {
        var dotnet = Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
        using var process = Start(workingDirectory, new Dictionary<string, string?>(), arguments, [qemu, "-cpu", cpu, dotnet]);
        return Wait(process, arguments);
    }

    private static Process Start(string workingDirectory, IReadOnlyDictionary<string, string?> environment, string[] arguments, string[]? launcher = null)
    {
        launcher ??= ["dotnet"];
        var start = new ProcessStartInfo(launcher[0]) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in launcher.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        start.ArgumentList.Add(Path.Combine(ProjectOutput, "digitforge-score.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    public static Result Wait(Process process, params string[] arguments)
    {
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"digitforge-score {string.Join(' ', arguments)} did not finish");
        }

        return new Result(process.ExitCode, output, error.GetAwaiter().GetResult());
    }
}
