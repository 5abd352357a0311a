using System.Diagnostics;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// A copy of this working tree (tracked and new files, as they are now) for a build that deletes
/// things other tests use, such as Clean removing build/bin/cli, or for a second checkout. The
/// compiled CLI, the precompiled Cake and Cake's compiled script (build/tools/cache) are copied too
/// (not hard-linked: a rebuild in the copy would write through the links), so the copy's first
/// build does not make them again (about a minute of CPU on 2 cores).
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

        CopyCompiled(destination, "bin/cli", "bin/cake", "tools/cache");
        return destination;
    }

    /// <summary>Copies these folders of this checkout's build/ (those that exist) into <paramref name="destination"/>'s.</summary>
    public static void CopyCompiled(string destination, params string[] folders)
    {
        var root = RepoBuild.FindRoot();
        foreach (var compiled in folders.Where(folder => Directory.Exists(Path.Combine(root, "build", folder))))
        {
            var parent = Path.GetDirectoryName(Path.Combine(destination, "build", compiled))!;
            Directory.CreateDirectory(parent);
            using var copy = Process.Start("cp", ["-a", Path.Combine(root, "build", compiled), parent]);
            copy.WaitForExit();
            copy.ExitCode.Should().Be(0, $"the copy has build/{compiled}");
        }
    }
}
