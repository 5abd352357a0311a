using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace DigitForge.Build.Tests;

/// <summary>A scratch folder under the system temp folder, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "digitforge-build-tests")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(params string[] parts)
    {
        var full = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return full;
    }

    /// <summary>A new sub folder, with a trailing slash (as MSBuild wants -o folders).</summary>
    public string Folder(params string[] parts)
    {
        var full = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(full);
        return full + "/";
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public static class Tools
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The global packages folder this machine restores into (NUGET_PACKAGES or ~/.nuget/packages).</summary>
    public static string NuGetPackages =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The real TorchSharp 0.107.0 libLibTorchSharp.so in the NuGet cache. Read only, never written.</summary>
    public static string RealLibTorchSharp
    {
        get
        {
            var path = System.IO.Path.Combine(NuGetPackages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
            File.Exists(path).Should().BeTrue(
                $"the real libLibTorchSharp.so is expected at {path}; restore the solution first (dotnet restore DigitForge.sln)");
            return path;
        }
    }

    /// <summary>The folder holding libtorch.so etc. for ldd, or null if that package is not restored.</summary>
    public static string? LibTorchNativeDirectory
    {
        get
        {
            var package = System.IO.Path.Combine(NuGetPackages, "libtorch-cpu-linux-x64");
            if (!Directory.Exists(package))
            {
                return null;
            }

            return Directory.GetDirectories(package)
                .Select(v => System.IO.Path.Combine(v, "runtimes", "linux-x64", "native"))
                .Where(d => File.Exists(System.IO.Path.Combine(d, "libtorch.so")))
                .Order(StringComparer.Ordinal)
                .LastOrDefault();
        }
    }

    public static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    public static long Inode(string path) => long.Parse(Run("stat", "-c", "%i", path).Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public static int LinkCount(string path) => int.Parse(Run("stat", "-c", "%h", path).Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);

    public static void HardLink(string existing, string link) => Run("ln", existing, link).ExitCode.Should().Be(0);

    public static (int ExitCode, string Output) Run(string file, params string[] arguments) =>
        Run(file, arguments, workingDirectory: null, environment: null, TimeSpan.FromMinutes(1));

    /// <summary>Runs a process to completion; stdout and stderr interleaved into one string.</summary>
    public static (int ExitCode, string Output) Run(
        string file, IEnumerable<string> arguments, string? workingDirectory, IDictionary<string, string?>? environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (output)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout}:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    /// <summary>Runs the dotnet CLI without the MSBuild variables `dotnet test` sets for its own
    /// build and without leaving MSBuild nodes behind.</summary>
    public static (int ExitCode, string Output) Dotnet(string workingDirectory, IDictionary<string, string?>? extraEnvironment, params string[] arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        };
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase))
            {
                environment[key] = null;
            }
        }

        environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return Run("dotnet", [.. arguments, "-nologo", "-tl:off"], workingDirectory, environment, TimeSpan.FromMinutes(3));
    }

    /// <summary>Fatal version errors in ldd output; a weak version reported missing is only a warning.</summary>
    public static string[] FatalLddErrors(string lddOutput) => lddOutput
        .Split('\n')
        .Where(line => line.Contains("not found", StringComparison.Ordinal) && !line.Contains("weak version", StringComparison.Ordinal))
        .Select(line => line.Trim())
        .ToArray();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "DigitForge.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"DigitForge.sln not found above {AppContext.BaseDirectory}");
    }
}
