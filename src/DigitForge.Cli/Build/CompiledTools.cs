using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using DigitForge.Engine.Storage;

namespace DigitForge.Cli.Build;

/// <summary>
/// A tool the build compiles from the repository's sources into build/bin/&lt;name&gt; and recompiles when
/// they change: a SHA-256 over the project's sources and those of every project it references, kept
/// beside the tool (sources.sha256).
/// </summary>
public sealed class CompiledTool(string name, string project, string assembly)
{
    /// <summary>The stamp file beside a compiled tool.</summary>
    public const string StampName = "sources.sha256";

    /// <summary>The shared compile arguments (build/tools.rsp), which the build script gives the CLI's compile too.</summary>
    public const string ResponseFile = "build/tools.rsp";

    public string Name { get; } = name;

    /// <summary>The target that compiles it on its own, e.g. CompileScore.</summary>
    public string CompileTarget => "Compile" + char.ToUpperInvariant(Name[0]) + Name[1..];

    public string Folder(string root) => Path.Combine(root, "build", "bin", Name);

    public string Assembly(string root) => Path.Combine(Folder(root), assembly);

    public bool IsUpToDate(string root) =>
        File.Exists(Assembly(root)) && File.Exists(Stamp(root)) && File.ReadAllText(Stamp(root)).Trim() == SourcesHash(root);

    /// <summary>Compiles into a fresh folder and puts it in place whole, with its stamp.</summary>
    public void Compile(string root, TextWriter log)
    {
        var server = CompilerServer.NewName();
        var staging = Folder(root) + ".new-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, UseShellExecute = false, RedirectStandardOutput = true };
            foreach (var argument in new[] { "build", Path.Combine(root, project), "@" + ResponseFile, "-o", staging, $"-p:SharedCompilationId={server}" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.WriteLine(e.Data); };
            process.BeginOutputReadLine();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new ToolCompileException($"compiling {project} failed (dotnet build exited with {process.ExitCode}); the errors are above");
            }

            File.WriteAllText(Path.Combine(staging, StampName), SourcesHash(root));
            Folders.Replace(staging, Folder(root));
        }
        finally
        {
            CompilerServer.Stop(server);
            Folders.DeleteQuietly(staging);
        }
    }

    /// <summary>Writes the stamp of a tool compiled by someone else (the build script compiles the CLI).</summary>
    public void WriteStamp(string root) => File.WriteAllText(Stamp(root), SourcesHash(root));

    private string Stamp(string root) => Path.Combine(Folder(root), StampName);

    public string SourcesHash(string root)
    {
        var shared = new[] { "global.json", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", ResponseFile }
            .Select(file => Path.Combine(root, file))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "build", "msbuild"), "*", SearchOption.AllDirectories));
        var sources = Projects(Path.Combine(root, project), new HashSet<string>(StringComparer.Ordinal))
            .SelectMany(csproj => Directory.EnumerateFiles(Path.GetDirectoryName(csproj)!, "*", SearchOption.AllDirectories))
            .Where(file => !IsBuildOutput(Path.GetRelativePath(root, file)));
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in shared.Concat(sources).Where(File.Exists).Distinct().Order(StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file).Replace('\\', '/') + "\n"));
            sha.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static bool IsBuildOutput(string relative) =>
        relative.Replace('\\', '/').Split('/') is var parts && (parts.Contains("bin") || parts.Contains("obj"));

    // The project and every project it references, directly or not.
    private static IEnumerable<string> Projects(string csproj, HashSet<string> seen)
    {
        if (!seen.Add(Path.GetFullPath(csproj)))
        {
            return [];
        }

        var references = XDocument.Load(csproj).Descendants("ProjectReference")
            .Select(reference => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(csproj)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))))
            .ToList();
        return references.SelectMany(reference => Projects(reference, seen)).Prepend(Path.GetFullPath(csproj)).ToList();
    }
}

/// <summary>A compile failed; what the compiler said is above.</summary>
public sealed class ToolCompileException(string message) : Exception(message);

/// <summary>The tools the build compiles.</summary>
public static class CompiledTools
{
    public static readonly CompiledTool Cli = new("cli", "src/DigitForge.Cli/DigitForge.Cli.csproj", "digitforge.dll");

    public static readonly CompiledTool Score = new("score", "src/DigitForge.Score/DigitForge.Score.csproj", "digitforge-score.dll");

    public static readonly CompiledTool Serve = new("serve", "src/DigitForge.Serve/DigitForge.Serve.csproj", "digitforge-serve.dll");

    public static IEnumerable<CompiledTool> All => [Cli, Score, Serve];

    public static CompiledTool Find(string name) =>
        All.FirstOrDefault(tool => tool.Name == name) ?? throw new BuildArgumentException($"no tool '{name}'; tools are {string.Join(", ", All.Select(t => t.Name))}");
}

/// <summary>The Roslyn compiler server a compile started under its own name, stopped once the compile is done.</summary>
public static class CompilerServer
{
    public static string NewName() => "digitforge-" + Guid.NewGuid().ToString("N");

    /// <summary>Asks the server by its name to shut down (it finishes what it compiles first).</summary>
    public static void Stop(string name)
    {
        // Its executable is the one the SDK started, so it is looked up among the running servers.
        var executables = new HashSet<string>(StringComparer.Ordinal);
        foreach (var process in Process.GetProcessesByName("VBCSCompiler"))
        {
            using (process)
            {
                try
                {
                    executables.Add(process.MainModule!.FileName);
                }
                catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception or NullReferenceException)
                {
                    // Gone already, or another user's: not ours to stop.
                }
            }
        }

        foreach (var executable in executables)
        {
            using var shutdown = Process.Start(new ProcessStartInfo(executable, ["-shutdown", $"-pipename:{name}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            shutdown.WaitForExit();
        }
    }
}
