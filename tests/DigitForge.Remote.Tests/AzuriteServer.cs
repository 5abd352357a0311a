using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DigitForge.Tests.Azurite;

/// <summary>
/// A real Azure Blob endpoint for tests: Azurite (Microsoft's storage emulator, pinned in
/// tests/azurite/package.json) on a free loopback port with its data in a temporary folder.
/// Installs it with <c>npm ci</c> on first use (one installer at a time across test processes)
/// and stops it, with its data, on dispose. Skips the test (<see cref="SkipException"/>, for
/// <c>[SkippableFact]</c>s) when Node.js and npm cannot be had (<see cref="Prerequisites.Node"/>)
/// or npm cannot reach its registry.
/// </summary>
public sealed partial class AzuriteServer : IDisposable
{
    // Azurite's documented development account; it only exists inside the emulator.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly string data = Path.Combine(Path.GetTempPath(), "digitforge-azurite", Guid.NewGuid().ToString("N"));
    private Process? process;

    public AzuriteServer()
    {
        var folder = Path.Combine(FindRoot(), "tests", "azurite");
        var executable = Path.Combine(folder, "node_modules", ".bin", "azurite-blob");
        Prerequisites.Node.Require();
        EnsureInstalled(folder, executable);

        // A port free when checked can be taken before Azurite binds it (any process's outgoing
        // connection may get it as its local port): Azurite then exits with EADDRINUSE, and starts
        // again on another port.
        for (var attempt = 1; ; attempt++)
        {
            Port = LoopbackPorts.Free();
            var (started, output) = Start(executable);
            if (started)
            {
                return;
            }

            Stop();
            if (attempt == 5 || !output.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                Dispose();
                throw new InvalidOperationException($"Azurite did not start on port {Port} within 60 s (attempt {attempt}):\n{output}");
            }
        }
    }

    public int Port { get; private set; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{Port}/devstoreaccount1;";

    /// <summary>A connection string to a port where nothing listens: a storage account that is down.</summary>
    public static string Unreachable => $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{LoopbackPorts.Free()}/devstoreaccount1;";

    public void Dispose()
    {
        Stop();
        if (Directory.Exists(data))
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private void Stop()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        process?.Dispose();
        process = null;
    }

    /// <summary>Starts Azurite on <see cref="Port"/>: whether it listens (false when it exits first or takes 60 s), and what it printed.</summary>
    private (bool Started, string Output) Start(string executable)
    {
        Directory.CreateDirectory(data);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "--blobHost", "127.0.0.1", "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--location", data, "--skipApiVersionCheck", "--loose" })
        {
            start.ArgumentList.Add(argument);
        }

        var listening = new TaskCompletionSource();
        var output = new System.Text.StringBuilder();
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("successfully listens", StringComparison.Ordinal) == true)
            {
                listening.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        Task.WaitAny([listening.Task, exited], TimeSpan.FromSeconds(60));
        if (exited.IsCompleted)
        {
            // Its output is read to the end once it has exited.
            process.WaitForExit();
        }

        lock (output)
        {
            return (listening.Task.IsCompleted && !exited.IsCompleted, output.ToString());
        }
    }

    private static void EnsureInstalled(string folder, string executable)
    {
        // Test projects run in parallel processes; the first one installs while the others wait.
        using var installLock = Prerequisites.TakeTurns(Path.Combine(folder, ".install.lock"), TimeSpan.FromMinutes(6));
        if (File.Exists(executable))
        {
            return;
        }

        var start = new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund"]) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        using var npm = Process.Start(start)!;
        var log = npm.StandardOutput.ReadToEndAsync();
        var errorLog = npm.StandardError.ReadToEndAsync();
        if (!npm.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            npm.Kill(entireProcessTree: true);
            throw Prerequisites.Skip($"npm ci in {folder} did not install Azurite within 5 minutes (is the npm registry reachable?):\n{log.Result}\n{errorLog.Result}");
        }

        var errors = errorLog.Result;
        if (npm.ExitCode != 0 && NoRegistry().IsMatch(errors))
        {
            var said = errors.Split('\n').Where(line => line.StartsWith("npm err", StringComparison.OrdinalIgnoreCase)).Take(4);
            throw Prerequisites.Skip($"npm ci in {folder} cannot reach the npm registry to install Azurite, the storage emulator these tests need (exit {npm.ExitCode}): {string.Join(" | ", said)}");
        }

        if (npm.ExitCode != 0 || !File.Exists(executable))
        {
            throw new InvalidOperationException($"npm ci in {folder} did not install Azurite (exit {npm.ExitCode}):\n{log.Result}\n{errors}");
        }
    }

    // npm's error codes for a registry it cannot connect to.
    [GeneratedRegex(@"\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)\b")]
    private static partial Regex NoRegistry();

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "DigitForge.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("DigitForge.sln not found above " + AppContext.BaseDirectory);
    }
}
