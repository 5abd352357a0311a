using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;

namespace DigitForge.Tests.Shared;

/// <summary>What some tests need beyond the .NET SDK (see docs/test-suite.md#what-the-tests-need-beyond-the-sdk).</summary>
public static class Prerequisites
{
    private static readonly ConcurrentQueue<string> SkipReasons = new();

    /// <summary>Debian's headless browser, for the report test.</summary>
    public static Prerequisite Chromium { get; } = new(["chromium"], ["chromium"], "the report test renders the report in headless Chromium");

    /// <summary>Node.js and npm, which install and run Azurite (tests/azurite) for the remote-cache tests.</summary>
    public static Prerequisite Qemu { get; } = new(["qemu-x86_64"], ["qemu-user"], "the int8 portability test runs ONNX Runtime on an emulated AVX2-only CPU with it");

    public static Prerequisite Node { get; } = new(["node", "npm"], ["nodejs", "npm"], "the remote-cache tests install and run Azurite, the storage emulator, with them");

    /// <summary>
    /// PostgreSQL's server programs, for the monitoring store's tests, which start a throwaway server with them.
    /// Debian keeps them off PATH, in /usr/lib/postgresql/&lt;major&gt;/bin.
    /// </summary>
    public static Prerequisite Postgres { get; } = new(["initdb", "pg_ctl", "postgres"], ["postgresql"], "the monitoring store's tests start a throwaway PostgreSQL server with them", ["/usr/lib/postgresql/*/bin"]);

    /// <summary>Skips the calling <c>[SkippableFact]</c> test (throw it); <see cref="PrerequisiteReport"/> prints the reason.</summary>
    public static SkipException Skip(string reason)
    {
        SkipReasons.Enqueue(reason);
        return new SkipException(reason);
    }

    /// <summary>The reasons of the skips since the last call, each once.</summary>
    internal static IEnumerable<string> TakeSkipReasons()
    {
        var reasons = new List<string>();
        while (SkipReasons.TryDequeue(out var reason))
        {
            reasons.Add(reason);
        }

        return reasons.Distinct();
    }

    /// <summary>
    /// An OS file lock that test processes take in turn (test projects run as parallel processes):
    /// waits for it up to <paramref name="timeout"/>; disposing the stream releases it.
    /// </summary>
    public static FileStream TakeTurns(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}

/// <summary>
/// Programs some tests need, looked up on PATH. When one is missing and the tests run as root on a
/// machine with apt-get, its Debian packages are installed, once per machine: test processes take
/// turns under a lock in the temp folder and look again before installing. When they cannot be had
/// (not root, no apt-get, the install failed), <see cref="Require"/> throws <see cref="SkipException"/>,
/// so a <c>[SkippableFact]</c> test is reported as skipped, and <see cref="PrerequisiteReport"/> prints
/// why. One attempt per process.
/// </summary>
public sealed class Prerequisite
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    // The names a command has on disk: as is on Unix, with PATHEXT's extensions on Windows.
    private static readonly string[] Executables = OperatingSystem.IsWindows() ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE;.CMD").Split(';') : [string.Empty];

    private readonly string[] commands;
    private readonly string[] packages;
    private readonly string usedBy;
    private readonly Lazy<string> path;
    private readonly string[] folders;

    /// <param name="folders">Folders looked in after PATH; one segment may be <c>*</c> (the highest match is taken).</param>
    internal Prerequisite(string[] commands, string[] packages, string usedBy, string[]? folders = null)
    {
        this.commands = commands;
        this.folders = folders ?? [];
        this.packages = packages;
        this.usedBy = usedBy;
        path = new Lazy<string>(Resolve); // ExecutionAndPublication: one attempt, a skip is remembered too
    }

    /// <summary>The full path of the first command; skips the calling test when the commands cannot be had.</summary>
    public string Require() => path.Value;

    private string Resolve()
    {
        var install = $"apt-get install {string.Join(' ', packages)}";
        if (Missing().Length > 0)
        {
            if (!Environment.IsPrivilegedProcess)
            {
                throw Skip($"the tests do not run as root, so they cannot install it: run `{install}` as root");
            }

            if (Which("apt-get") is null)
            {
                throw Skip($"there is no apt-get to install it with: install {string.Join(" and ", commands)} and put them on PATH");
            }

            using (Prerequisites.TakeTurns(Path.Combine(Path.GetTempPath(), "digitforge-apt-get.lock"), TimeSpan.FromMinutes(30)))
            {
                if (Missing().Length > 0)
                {
                    AptGet(["update", "-qq"], TimeSpan.FromMinutes(5));
                    AptGet(["install", "-y", "-qq", .. packages], TimeSpan.FromMinutes(20));
                }
            }

            if (Missing().Length > 0)
            {
                throw Skip($"`{install}` succeeded but did not put it on PATH");
            }
        }

        return Which(commands[0])!;
    }

    /// <summary>The full path of <paramref name="command"/>, one of this prerequisite's commands, after <see cref="Require"/>.</summary>
    public string PathOf(string command)
    {
        Require();
        return Which(command) ?? throw new ArgumentException($"{command} is not one of {string.Join(", ", commands)}", nameof(command));
    }

    private string[] Missing() => [.. commands.Where(command => Which(command) is null)];

    private SkipException Skip(string why) =>
        Prerequisites.Skip($"{string.Join(" and ", Missing())} not found on PATH ({usedBy}), and {why}.");

    private void AptGet(string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo("apt-get") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        foreach (var argument in new[] { "-o", "DPkg::Lock::Timeout=300" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        var command = $"apt-get {string.Join(' ', arguments)}";
        using var apt = Process.Start(start)!;
        var output = apt.StandardOutput.ReadToEndAsync();
        var errors = apt.StandardError.ReadToEndAsync();
        if (!apt.WaitForExit(timeout))
        {
            apt.Kill(entireProcessTree: true);
            throw Skip($"`{command}` did not finish within {timeout.TotalMinutes:0} minutes");
        }

        if (apt.ExitCode != 0)
        {
            var said = string.Join(" | ", (output.Result + errors.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(4));
            throw Skip($"`{command}` failed (exit {apt.ExitCode}): {said}");
        }
    }

    private string? Which(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(folders.SelectMany(Expand))
            .SelectMany(folder => Executables.Select(extension => Path.Combine(folder, command + extension)))
            .FirstOrDefault(file => File.Exists(file) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & AnyExecute) != 0));

    // "/usr/lib/postgresql/*/bin": the existing matches, highest (numerically) first.
    private static IEnumerable<string> Expand(string folder)
    {
        var star = folder.IndexOf('*', StringComparison.Ordinal);
        if (star < 0)
        {
            return [folder];
        }

        var parent = folder[..star];
        var rest = folder[(star + 1)..].TrimStart('/');
        return Directory.Exists(parent)
            ? Directory.GetDirectories(parent)
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : -1)
                .Select(d => Path.Combine(d, rest))
            : [];
    }
}

/// <summary>
/// Prints why tests were skipped (<see cref="Prerequisites.Skip"/>) where <c>dotnet test</c> shows it at its
/// default verbosity: as an xUnit diagnostic message, which the runner prints as a warning
/// (tests/xunit.runner.json turns them on), after the class's tests. A class whose tests may skip
/// for a prerequisite takes it as a class fixture.
/// </summary>
public sealed class PrerequisiteReport(IMessageSink diagnostics) : IDisposable
{
    public void Dispose()
    {
        foreach (var reason in Prerequisites.TakeSkipReasons())
        {
            diagnostics.OnMessage(new Xunit.Sdk.DiagnosticMessage($"skipped: {reason}"));
        }
    }
}
