namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// The end-to-end classes run in two lanes side by side. A build is mostly one busy process at a
/// time (a process starting, one stage running), so one lane leaves a core of a two-core CI machine
/// idle. Within a lane the classes run one after another. The lanes share only what is made once
/// before any build: the tools <see cref="RepoTools"/> compiles and the <see cref="SeededCache"/>;
/// every build has its own artifacts and stage cache, and a test that edits or deletes sources or
/// tools works in a <see cref="RepoCopy"/>.
/// </summary>
public static class BuildLanes
{
    public const string First = "real builds, lane 1";
    public const string Second = "real builds, lane 2";
}

[CollectionDefinition(BuildLanes.First)]
public sealed class FirstBuildLane;

[CollectionDefinition(BuildLanes.Second)]
public sealed class SecondBuildLane;

/// <summary>
/// Compiles this repository's tools (the CLI, the scoring tool, the service) and fills Cake's script
/// cache once, before the first build of either lane: two builds compiling into the same build/bin
/// folder at once would overwrite each other's files.
/// </summary>
public static class RepoTools
{
    private static readonly Lazy<bool> Compiled = new(Compile, LazyThreadSafetyMode.ExecutionAndPublication);

    public static void EnsureCompiled() => _ = Compiled.Value;

    private static bool Compile()
    {
        using var build = new RepoBuild(compileTools: false);
        foreach (var target in new[] { "Graph", "CompileScore", "CompileServe" })
        {
            var result = build.Run($"--target={target}");
            result.ExitCode.Should().Be(0, $"compiling the tools (--target={target}) must work:\n{result}");
        }

        return true;
    }
}
