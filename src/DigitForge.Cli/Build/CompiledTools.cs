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

    /// <summary>
    /// Whether the compiled tool is from the current sources. The stamp holds the sources' content hash
    /// and a hash of their paths, sizes and modification times; while the latter matches, no file is
    /// read (as git's index does), and when only it differs the content decides, and the stamp is renewed.
    /// </summary>
    public bool IsUpToDate(string root)
    {
        if (!File.Exists(Assembly(root)) || !File.Exists(Stamp(root)))
        {
            return false;
        }

        var stamp = File.ReadAllLines(Stamp(root));
        var files = SourceFiles(root);
        if (stamp.Length == 2 && stamp[1] == StatHash(root, files))
        {
            return true;
        }

        if (stamp.Length == 0 || stamp[0] != ContentHash(root, files))
        {
            return false;
        }

        WriteStamp(root);
        return true;
    }

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

            File.WriteAllText(Path.Combine(staging, StampName), StampText(root));
            Folders.Replace(staging, Folder(root));
        }
        finally
        {
            CompilerServer.Stop(server);
            Folders.DeleteQuietly(staging);
        }
    }

    /// <summary>Writes the stamp of a tool compiled by someone else (the build script compiles the CLI).</summary>
    public void WriteStamp(string root) => File.WriteAllText(Stamp(root), StampText(root));

    private string Stamp(string root) => Path.Combine(Folder(root), StampName);

    private string StampText(string root)
    {
        var files = SourceFiles(root);
        return ContentHash(root, files) + "\n" + StatHash(root, files) + "\n";
    }

    // The project's files and those of every project it references, with what every compile shares.
    private List<string> SourceFiles(string root)
    {
        var shared = new[] { "global.json", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", ResponseFile }
            .Select(file => Path.Combine(root, file))
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "build", "msbuild"), "*", SearchOption.AllDirectories));
        var sources = Projects(Path.Combine(root, project), new HashSet<string>(StringComparer.Ordinal))
            .SelectMany(csproj => Directory.EnumerateFiles(Path.GetDirectoryName(csproj)!, "*", SearchOption.AllDirectories))
            .Where(file => !IsBuildOutput(Path.GetRelativePath(root, file)));
        return [.. shared.Concat(sources).Where(File.Exists).Distinct().Order(StringComparer.Ordinal)];
    }

    private static string ContentHash(string root, IEnumerable<string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetRelativePath(root, file).Replace('\\', '/') + "\n"));
            sha.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    // A file added, removed, resized or touched changes this; its content is not read.
    private static string StatHash(string root, IEnumerable<string> files)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            var info = new FileInfo(file);
            sha.AppendData(Encoding.UTF8.GetBytes($"{Path.GetRelativePath(root, file).Replace('\\', '/')}\t{info.Length}\t{info.LastWriteTimeUtc.Ticks}\n"));
        }

        return "stat:" + Convert.ToHexStringLower(sha.GetHashAndReset());
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

    public static readonly CompiledTool Score = new("score", "src/DigitForge.ScoreTool/DigitForge.ScoreTool.csproj", "digitforge-score.dll");

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
