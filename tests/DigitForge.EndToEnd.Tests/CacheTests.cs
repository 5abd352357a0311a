namespace DigitForge.EndToEnd.Tests;

/// <summary>The local stage cache through the real build: reverting restores; gc keeps what models need.</summary>
[Trait("Category", "EndToEnd")]
[Collection(BuildLanes.Second)]
public sealed class CacheTests : IDisposable
{
    private static readonly string[] Recipe = ["--config=configs/mnist/ci.json", "--set=promote.minAccuracy=0.1", "--set=promote.minClassRecall=0"];
    // Starts from the seeded cache: its four entries are the recipe's, so the counts below are the same as when built here.
    private readonly RepoBuild build = new(seeded: true);

    public void Dispose() => build.Dispose();

    [Fact]
    public void Reverting_restores_and_gc_removes_only_what_no_stage_or_kept_model_was_built_from()
    {
        build.Run(["--target=Promote", .. Recipe]).ExitCode.Should().Be(0);
        build.Run(["--target=Evaluate", .. Recipe, "--set=train.epochs=1"]).ExitCode.Should().Be(0);

        // Production v0001 was built from the first Train and Evaluate entries: gc keeps them.
        var keep = build.Cli(["cache", "gc", "--max-size-mb", "0"]);
        keep.ExitCode.Should().Be(0, keep.ToString());
        keep.Output.Should().Contain("removed 0 entries");

        build.Run(["--target=Evaluate", .. Recipe, "--set=train.epochs=3"]).ExitCode.Should().Be(0);
        var prune = build.Cli(["cache", "gc", "--max-size-mb", "0"]);
        prune.Output.Should().MatchRegex(@"removed 2 entries \(.* MiB\); 6 left \(.* MiB\), 6 of them needed", "the epochs=1 Train and Evaluate are neither current nor production's");

        var reverted = build.Run(["--target=Evaluate", .. Recipe]);
        reverted.Statuses("Train", "Evaluate").Should().AllBe("Skipped", reverted.ToString());
        reverted.SummaryRow("Train").Should().Contain("restored from cache");

        var gone = build.Run(["--target=Evaluate", .. Recipe, "--set=train.epochs=1"]);
        gone.TaskStatus("Train").Should().Be("Succeeded", "its entry was pruned");
    }
}
