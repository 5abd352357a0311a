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
/// Compiles this repository's tools once, before the first build of either lane: two builds
/// compiling into the same build/bin folder (or the same projects' obj folders) at once would
/// overwrite each other's files. The CLI, which every build uses, is compiled first; the scoring tool
/// and the service, which few tests use, are then compiled one after the other in the background
/// while the lanes run builds that compile nothing, and a build of their targets waits for them.
/// </summary>
public static class RepoTools
{
    private static readonly Lazy<Task> Compiled = new(Compile, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The CLI (and Cake's script cache) is compiled; the scoring tool and the service are under way.</summary>
    public static void EnsureCompiled() => _ = Compiled.Value;

    /// <summary>The scoring tool and the service are compiled too.</summary>
    public static void EnsureServicesCompiled() => Compiled.Value.GetAwaiter().GetResult();

    private static Task Compile()
    {
        Run("Graph");
        var services = Task.Run(() =>
        {
            Run("CompileScore");
            Run("CompileServe");
        });

        // A run that needed neither tool (a filtered one) does not exit with a compile still running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => services.ContinueWith(_ => { }, TaskScheduler.Default).Wait();
        return services;
    }

    private static void Run(string target)
    {
        using var build = new RepoBuild(compileTools: false);
        var result = build.Run($"--target={target}");
        result.ExitCode.Should().Be(0, $"compiling the tools (--target={target}) must work:\n{result}");
    }
}
