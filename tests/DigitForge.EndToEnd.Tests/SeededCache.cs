using System.Diagnostics;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// A stage cache holding the ci recipe's Ingest to Evaluate outputs, built once per test run by a
/// real build, for the tests that need a trained model but test what comes after it (the gate,
/// the registry, scoring, the report, deleting) or that need a good build to start from (kills,
/// corrupted outputs, a reference training to reproduce): their builds restore those stages instead
/// of training again. Promote and Report are never cached, so they still run in each test's own
/// folder. Tests that need the stages to run from nothing (a first build, experiments, the lock,
/// the remote cache) keep an empty cache of their own.
/// </summary>
public static class SeededCache
{
    private static readonly Lazy<string> Folder = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Copies the seeded entries into <paramref name="cache"/> (each test gets its own copy to change).</summary>
    public static void CopyInto(string cache)
    {
        Directory.CreateDirectory(cache);
        using var copy = Process.Start("cp", ["-a", Folder.Value + "/.", cache])!;
        copy.WaitForExit();
        copy.ExitCode.Should().Be(0, "the seeded stage cache is copied");
    }

    private static string Build()
    {
        using var build = new RepoBuild();
        var result = build.Run(["--target=Evaluate", .. PromotedBuild.Recipe]);
        result.ExitCode.Should().Be(0, "the seed build of the ci recipe must pass:\n" + result);
        var folder = Path.Combine(Path.GetTempPath(), "digitforge-e2e", "seeded-cache-" + Environment.ProcessId);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(folder)!);
        Directory.Move(build.Cache, folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        };
        return folder;
    }
}
