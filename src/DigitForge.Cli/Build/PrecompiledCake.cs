using System.Diagnostics;
using System.Runtime.InteropServices;
using DigitForge.Engine.Storage;

namespace DigitForge.Cli.Build;

/// <summary>
/// A copy of the Cake tool with its start-up assemblies precompiled (ReadyToRun) in build/bin/cake,
/// which build.sh starts instead of the restored tool: Cake JIT-compiles about 3,100 methods at every
/// start, about 800 with these precompiled. Made once per Cake version with the crossgen2 that the
/// CLI's own precompilation restored. Where there is none for this runtime, or outside Linux (build.cmd
/// starts Cake through the SDK), nothing is made and the restored tool runs as before.
/// </summary>
public static class PrecompiledCake
{
    /// <summary>The restored tool's folder, which build.sh sets when it starts Cake itself.</summary>
    public const string ToolVariable = "DIGITFORGE_CAKE_TOOL";

    // build.sh compares this file's text with the restored tool's folder before it starts the copy.
    private const string StampName = "source.txt";

    // What an up-to-date build's start JIT-compiled (DOTNET_JitDisasmSummary). Not Roslyn, which only
    // a changed script needs, nor NuGet's protocol and packaging, which only addins need.
    private static readonly string[] StartupAssemblies =
    [
        "Cake.dll", "Cake.Core.dll", "Cake.Cli.dll", "Cake.Common.dll", "Cake.NuGet.dll",
        "Spectre.Console.dll", "Spectre.Console.Cli.dll", "Spectre.Console.Ansi.dll",
        "Microsoft.Extensions.DependencyInjection.dll", "Microsoft.Extensions.DependencyInjection.Abstractions.dll",
        "NuGet.Frameworks.dll", "NuGet.Configuration.dll", "NuGet.Common.dll", "NuGet.Versioning.dll",
    ];

    public static string Folder(string root) => Path.Combine(root, "build", "bin", "cake");

    /// <summary>Makes the copy when build.sh named a restored tool that has none yet; a failure only warns.</summary>
    public static void Ensure(string root, TextWriter log)
    {
        var tool = Environment.GetEnvironmentVariable(ToolVariable);
        var folder = Folder(root);
        var stamp = Path.Combine(folder, StampName);
        if (string.IsNullOrEmpty(tool) || !OperatingSystem.IsLinux() || !Directory.Exists(tool)
            || (File.Exists(stamp) && File.ReadAllText(stamp) == tool))
        {
            return;
        }

        var runtime = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/');
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var crossgen = Path.Combine(packages, $"microsoft.netcore.app.crossgen2.{RuntimeInformation.RuntimeIdentifier}",
            Path.GetFileName(runtime), "tools", "crossgen2");
        if (!File.Exists(crossgen))
        {
            return;
        }

        log.WriteLine("Precompiling the Cake tool into build/bin/cake (once per Cake version, for faster starts)");
        var staging = folder + ".new-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var inputs = Path.Combine(staging, "r2r");
            Directory.CreateDirectory(inputs);
            // The whole tool, with its resource and runtime sub-folders, as the restored one is.
            foreach (var file in Directory.EnumerateFiles(tool, "*", SearchOption.AllDirectories))
            {
                var copy = Path.Combine(staging, Path.GetRelativePath(tool, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }

            var names = StartupAssemblies.Where(name => File.Exists(Path.Combine(tool, name))).ToList();
            names.ForEach(name => File.Copy(Path.Combine(tool, name), Path.Combine(inputs, name)));
            var start = new ProcessStartInfo(crossgen) { RedirectStandardOutput = true, RedirectStandardError = true };
            names.ForEach(name => start.ArgumentList.Add(Path.Combine(inputs, name)));
            foreach (var argument in new[]
            {
                "--single-file-compilation", "--out-near-input", "-O", "--targetos:linux",
                $"--targetarch:{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}", $"-r:{tool}/*.dll", $"-r:{runtime}/*.dll",
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var crossgen2 = Process.Start(start)!;
            var output = crossgen2.StandardOutput.ReadToEndAsync();
            var errors = crossgen2.StandardError.ReadToEnd();
            crossgen2.WaitForExit();
            if (crossgen2.ExitCode != 0)
            {
                log.WriteLine($"warning: Cake is not precompiled (crossgen2 exited with {crossgen2.ExitCode}): {string.Join(" ", (errors + output.Result).Split('\n').TakeLast(5))}");
                return;
            }

            names.ForEach(name => File.Move(Path.Combine(inputs, Path.ChangeExtension(name, ".ni.dll")), Path.Combine(staging, name), overwrite: true));
            Directory.Delete(inputs, recursive: true);
            File.WriteAllText(Path.Combine(staging, StampName), tool);
            // Whole or not at all: build.sh only starts a folder that has its stamp.
            Folders.Replace(staging, folder);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Another build may have just made it; either way the restored tool still works.
            log.WriteLine($"warning: Cake is not precompiled: {exception.Message}");
        }
        finally
        {
            Folders.DeleteQuietly(staging);
        }
    }
}
