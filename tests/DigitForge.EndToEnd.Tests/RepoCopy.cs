using System.Diagnostics;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// A copy of this working tree (tracked and new files, as they are now) for a build that deletes or
/// edits things other tests use, such as Clean removing build/bin/cli or a source edit. The compiled
/// CLI and the precompiled Cake are copied too (not hard-linked: a rebuild in the copy would write
/// through the links), so the copy's first build does not make them again.
/// </summary>
public static class RepoCopy
{
    public static string Create(string destination)
    {
        RepoTools.EnsureCompiled();
        var root = RepoBuild.FindRoot();
        var files = new ProcessStartInfo("git", ["-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"]) { RedirectStandardOutput = true };
        using var git = Process.Start(files)!;
        var listing = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        git.ExitCode.Should().Be(0);
        foreach (var file in listing.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(f => File.Exists(Path.Combine(root, f))))
        {
            var target = Path.Combine(destination, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(root, file), target);
        }

        foreach (var tool in new[] { "cli", "cake" }.Select(name => Path.Combine(root, "build", "bin", name)).Where(Directory.Exists))
        {
            Directory.CreateDirectory(Path.Combine(destination, "build", "bin"));
            using var link = Process.Start("cp", ["-a", tool, Path.Combine(destination, "build", "bin")]);
            link.WaitForExit();
            link.ExitCode.Should().Be(0, $"the copy has {tool}");
        }

        return destination;
    }
}
