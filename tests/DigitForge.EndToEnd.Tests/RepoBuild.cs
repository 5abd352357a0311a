using System.Diagnostics;
using System.Text;

namespace DigitForge.EndToEnd.Tests;

/// <summary>Runs the real <c>./build.sh</c> of this repository as a user would, into a scratch artifacts folder.</summary>
public sealed class RepoBuild : IDisposable
{
    private readonly bool compileTools;

    /// <param name="root">Another checkout to build in (default: this repository).</param>
    /// <param name="seeded">Start from a copy of <see cref="SeededCache"/>: the ci recipe's trained stages are restored, not re-run.</param>
    /// <param name="compileTools">Have <see cref="RepoTools"/> compile this repository's tools first (off only for that compile itself).</param>
    public RepoBuild(string? root = null, bool seeded = false, bool compileTools = true)
    {
        this.compileTools = compileTools;
        if (compileTools)
        {
            RepoTools.EnsureCompiled();
        }

        Root = root ?? FindRoot();
        Artifacts = Path.Combine(Path.GetTempPath(), "digitforge-e2e", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Artifacts);

        // Each build has a stage cache of its own (empty, or a copy of the seeded one), so no test reuses another's outputs.
        Environment["DIGITFORGE_CACHE"] = Artifacts + "-cache";
        if (seeded)
        {
            SeededCache.CopyInto(Cache);
        }
    }

    /// <summary>Variables set for every process this build starts (the cache folder, a remote ...).</summary>
    public Dictionary<string, string> Environment { get; } = [];

    public string Cache => Environment["DIGITFORGE_CACHE"];

    public string Root { get; }

    public string Artifacts { get; }

    /// <summary>The MNIST pipeline's folder under the artifacts: its stages, models and reports.</summary>
    public string Home => Path.Combine(Artifacts, "mnist");

    public string StageFile(string stage, string file) => Path.Combine(Home, "stages", stage, file);

    public BuildResult Run(params string[] arguments) => Run(arguments, TimeSpan.FromMinutes(8));

    public BuildResult Run(string[] arguments, TimeSpan timeout, Func<string, bool>? killWhen = null)
    {
        AwaitTools(arguments);
        var start = new ProcessStartInfo(Path.Combine(Root, "build.sh"));
        foreach (var argument in arguments.Append($"--artifacts={Artifacts}"))
        {
            start.ArgumentList.Add(argument);
        }

        return Execute(start, timeout, killWhen, killAfter: null, killIf: null);
    }

    /// <summary>
    /// Starts <c>./build.sh</c> without waiting for it, with <paramref name="environment"/> on top of
    /// <see cref="Environment"/>, so a test can act while it runs (a second build, a paused stage).
    /// </summary>
    public RunningBuild Start(string[] arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        AwaitTools(arguments);
        var start = new ProcessStartInfo(Path.Combine(Root, "build.sh"));
        foreach (var argument in arguments.Append($"--artifacts={Artifacts}"))
        {
            start.ArgumentList.Add(argument);
        }

        Prepare(start);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new RunningBuild(start);
    }

    /// <summary>
    /// Runs the CLI the build compiled (<c>build/bin/cli/digitforge.dll</c>) against this build's
    /// artifacts; with <paramref name="killAfter"/>, kill -9s it after that long if it is still running.
    /// </summary>
    /// <param name="killWhen">kill -9s the whole process tree once an output line satisfies it.</param>
    /// <param name="killIf">kill -9s the whole process tree once it holds, asked every 200 ms (a file a paused stage created).</param>
    public BuildResult Cli(string[] arguments, TimeSpan? killAfter = null, Func<string, bool>? killWhen = null, Func<bool>? killIf = null)
    {
        var start = new ProcessStartInfo("dotnet");
        foreach (var argument in arguments.Prepend(Path.Combine(Root, "build", "bin", "cli", "digitforge.dll")).Concat(["--root", Root, "--artifacts", Artifacts]))
        {
            start.ArgumentList.Add(argument);
        }

        return Execute(start, TimeSpan.FromMinutes(5), killWhen, killAfter, killIf);
    }

    /// <summary>Runs a command line with bash in <see cref="Root"/>, as a user types it: without this build's <c>--artifacts</c>.</summary>
    public BuildResult Shell(string commandLine, TimeSpan timeout) => Execute(new ProcessStartInfo("bash", ["-c", commandLine]), timeout, killWhen: null, killAfter: null, killIf: null);

    // Score and Serve (and their Compile targets) compile their tool when it is not up to date: in this
    // checkout only RepoTools may compile, so such a build waits for its background compile.
    private void AwaitTools(string[] arguments)
    {
        if (compileTools && Root == FindRoot() && arguments.Any(a => a is "--target=Score" or "--target=Serve" or "--target=CompileScore" or "--target=CompileServe"))
        {
            RepoTools.EnsureServicesCompiled();
        }
    }

    private void Prepare(ProcessStartInfo start)
    {
        start.WorkingDirectory = Root;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;

        // Plain output, as in CI.
        start.Environment["NO_COLOR"] = "1";
        start.Environment["CAKE_SETTINGS_SHOWPROCESSCOMMANDLINE"] = "false";

        // The lanes (and the other test projects) keep both cores busy, where libtorch's spinning
        // threads train many times slower; passive waiting changes no result (docs/troubleshooting.md#training-is-very-slow).
        start.Environment.TryAdd("OMP_WAIT_POLICY", "PASSIVE");

        // A build's processes are short (Cake, a CLI per stage, the compiles): the runtime's second,
        // optimised compile of a method waits for 1,000 calls instead of 30, so fewer methods are
        // compiled twice; loops still get optimised code on the spot. It changes no result. A
        // ci-recipe Promote from nothing took 12.95-12.97 CPU-seconds against 13.69-13.79.
        start.Environment.TryAdd("DOTNET_TC_CallCountThreshold", "1000");
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }
    }

    private BuildResult Execute(ProcessStartInfo start, TimeSpan timeout, Func<string, bool>? killWhen, TimeSpan? killAfter, Func<bool>? killIf)
    {
        Prepare(start);
        var output = new StringBuilder();
        var killed = false;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            if (killWhen is not null && !killed && killWhen(line))
            {
                killed = true;
                KillHard(process);
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (killAfter is { } delay && !process.WaitForExit(delay))
        {
            killed = true;
            KillHard(process);
        }

        while (killIf is not null && !killed && !process.WaitForExit(TimeSpan.FromMilliseconds(200)))
        {
            if (killIf())
            {
                killed = true;
                KillHard(process);
            }
        }

        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish in {timeout}:\n{output}");
        }

        process.WaitForExit();
        return new BuildResult(process.ExitCode, output.ToString(), watch.Elapsed, killed);
    }

    public void Dispose()
    {
        foreach (var directory in new[] { Artifacts, Artifacts + "-cache" })
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>kill -9 of the whole process tree at once: what a power cut or the OOM killer does to a build.</summary>
    private static void KillHard(Process process)
    {
        // Collect every descendant first: killing a parent first would orphan its children.
        var tree = new List<int> { process.Id };
        for (var i = 0; i < tree.Count; i++)
        {
            tree.AddRange(ChildrenOf(tree[i]));
        }

        using var kill = Process.Start("kill", ["-KILL", .. tree.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        kill.WaitForExit();
    }

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        var path = $"/proc/{pid}/task/{pid}/children";
        return File.Exists(path)
            ? File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse)
            : [];
    }

    public static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DigitForge.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("DigitForge.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>A build started by <see cref="RepoBuild.Start"/>: its output so far, then its result.</summary>
public sealed class RunningBuild : IDisposable
{
    private readonly StringBuilder output = new();
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private readonly Process process;

    public RunningBuild(ProcessStartInfo start)
    {
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The process <c>./build.sh</c> started as.</summary>
    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Waits until the output so far satisfies <paramref name="seen"/>; throws with the output when it does not in time or the build ends first.</summary>
    public void WaitForOutput(Func<string, bool> seen, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!seen(Output))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the build {(process.HasExited ? $"ended (exit {process.ExitCode})" : $"ran {timeout}")} without the output awaited:\n{Output}");
            }

            Thread.Sleep(100);
        }
    }

    public BuildResult WaitForExit(TimeSpan timeout)
    {
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the build did not finish in {timeout}:\n{Output}");
        }

        process.WaitForExit();
        return new BuildResult(process.ExitCode, Output, watch.Elapsed, Killed: false);
    }

    /// <summary>Whether <paramref name="pid"/> is this build's process or one it started, directly or not.</summary>
    public bool Owns(int pid)
    {
        for (var current = pid; current > 1;)
        {
            if (current == process.Id)
            {
                return true;
            }

            var stat = $"/proc/{current}/stat";
            if (!File.Exists(stat))
            {
                return false;
            }

            // Fields after the command name, which is in parentheses and may hold spaces: state, ppid, ...
            var text = File.ReadAllText(stat);
            current = int.Parse(text[(text.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }

        return false;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}

public sealed record BuildResult(int ExitCode, string Output, TimeSpan Elapsed, bool Killed)
{
    /// <summary>The status of a task in Cake's closing summary table ("Succeeded", "Skipped" ...), or "absent".</summary>
    public string TaskStatus(string task) => SummaryRow(task) switch
    {
        null => "absent",
        var row when row.Contains(" Skipped ", StringComparison.Ordinal) => "Skipped",
        var row when row.Contains(" Succeeded", StringComparison.Ordinal) => "Succeeded",
        var row when row.Contains(" Failed", StringComparison.Ordinal) => "Failed",
        _ => "unknown",
    };

    public string? SummaryRow(string task)
    {
        var lines = Output.Split('\n');
        var header = Array.FindLastIndex(lines, l => l.Contains("Task", StringComparison.Ordinal) && l.Contains("Duration", StringComparison.Ordinal));
        return header < 0 ? null : lines.Skip(header + 1).FirstOrDefault(l => l.TrimStart().StartsWith(task + " ", StringComparison.Ordinal));
    }

    public IEnumerable<string> Statuses(params string[] tasks) => tasks.Select(TaskStatus);

    public override string ToString() => $"exit {ExitCode} after {Elapsed}:\n{Output}";
}
