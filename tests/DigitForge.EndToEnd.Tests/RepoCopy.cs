using System.Diagnostics;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// A copy of this working tree (tracked and new files, as they are now) for a build that deletes
/// things other tests use, such as Clean removing build/bin/cli. The compiled CLI is hard-linked, not
/// copied: 1.4 GB of libtorch in no time, and deleting the links leaves this checkout's files alone.
/// </summary>
public static class RepoCopy
{
    public static string Create(string destination)
    {
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

        var cli = Path.Combine(root, "build", "bin", "cli");
        if (Directory.Exists(cli))
        {
            Directory.CreateDirectory(Path.Combine(destination, "build", "bin"));
            using var link = Process.Start("cp", ["-al", cli, Path.Combine(destination, "build", "bin", "cli")]);
            link.WaitForExit();
            link.ExitCode.Should().Be(0, "the copy links the compiled CLI");
        }

        return destination;
    }
}
