namespace DigitForge.EndToEnd.Tests;

/// <summary>The real ./build.sh on configs/mnist/ci.json, run as a user would, several times.</summary>
[Trait("Category", "EndToEnd")]
[Collection(BuildLanes.First)]
public sealed class IncrementalBuildTests : IDisposable
{
    private static readonly string[] Stages = ["Ingest", "Preprocess", "Train", "Evaluate"];
    private readonly RepoBuild build = new();

    public void Dispose() => build.Dispose();

    [Fact]
    public void Second_build_skips_every_stage_and_config_changes_rerun_exactly_the_dependent_stages()
    {
        var first = Evaluate();
        first.ExitCode.Should().Be(0, first.ToString());
        first.Statuses(Stages).Should().Equal(["Succeeded", "Succeeded", "Succeeded", "Succeeded"], first.ToString());
        File.Exists(build.StageFile("Evaluate", "metrics.json")).Should().BeTrue();

        var second = Evaluate("--verbosity=verbose");
        second.ExitCode.Should().Be(0, second.ToString());
        second.Statuses(Stages).Should().AllBe("Skipped", second.ToString());
        second.SummaryRow("Train").Should().MatchRegex(@"up to date \([0-9a-f]{7}\)");
        // The copy of Cake precompiled by the first build that compiled the CLI (build/bin/cake) is what build.sh started.
        second.Output.Should().Contain("Cake runs precompiled from build/bin/cake");

        var epochs = Evaluate("--set=train.epochs=3");
        epochs.Statuses(Stages).Should().Equal(["Skipped", "Skipped", "Succeeded", "Succeeded"], epochs.ToString());
        epochs.Output.Should().Contain("config changed: train.epochs (2 -> 3)");

        var seed = Evaluate("--set=train.epochs=3", "--set=preprocess.seed=7");
        seed.Statuses(Stages).Should().Equal(["Skipped", "Succeeded", "Succeeded", "Succeeded"], seed.ToString());
        seed.Output.Should().Contain("config changed: preprocess.seed (42 -> 7)");
    }

    [Fact]
    public void Deleted_or_corrupted_output_reruns_its_stage_and_status_explains()
    {
        // What is tested starts from a good build: the seeded cache gives one without training.
        SeededCache.CopyInto(build.Cache);
        Evaluate().ExitCode.Should().Be(0);
        File.Delete(build.StageFile("Preprocess", "test-images.idx"));
        File.AppendAllText(build.StageFile("Train", "model.weights"), "x");

        var status = build.Run("--target=Status", "--config=configs/mnist/ci.json");
        status.ExitCode.Should().Be(0, status.ToString());
        status.Output.Should().Contain("output test-images.idx missing").And.Contain("output model.weights modified");

        // Their fingerprints did not change, so both come back verified from the stage cache
        // instead of re-running; with the cache emptied they re-run (and Train reproduces
        // bit-identical weights, so Evaluate, which reads them, stays up to date).
        var restored = Evaluate();
        restored.Statuses(Stages).Should().AllBe("Skipped", restored.ToString());
        restored.SummaryRow("Preprocess").Should().Contain("restored from cache");
        restored.SummaryRow("Train").Should().Contain("restored from cache");
        File.Exists(build.StageFile("Preprocess", "test-images.idx")).Should().BeTrue();

        Directory.Delete(build.Cache, recursive: true);
        File.Delete(build.StageFile("Preprocess", "test-images.idx"));
        File.AppendAllText(build.StageFile("Train", "model.weights"), "x");
        var rerun = Evaluate();
        rerun.Statuses(Stages).Should().Equal(["Skipped", "Succeeded", "Succeeded", "Skipped"], rerun.ToString());
        Evaluate().Statuses(Stages).Should().AllBe("Skipped");
    }

    [Fact]
    public void Bad_config_fails_before_any_work_naming_the_key()
    {
        var result = Evaluate("--set=train.epochz=3", "--set=train.learningRate=50");

        result.ExitCode.Should().NotBe(0);
        result.Output.Should().Contain("'train.epochz': unknown key");
        Directory.Exists(Path.Combine(build.Home, "stages", "Ingest")).Should().BeFalse();
    }

    [Fact]
    public void Build_killed_during_training_is_never_taken_as_up_to_date_and_recovers()
    {
        // What is tested starts from a good build: the seeded cache gives one without training.
        SeededCache.CopyInto(build.Cache);
        Evaluate().ExitCode.Should().Be(0);

        var killed = build.Run(
            ["--target=Evaluate", "--config=configs/mnist/ci.json", "--set=train.epochs=30", "--set=train.earlyStopping.enabled=false"],
            TimeSpan.FromMinutes(8),
            line => System.Text.RegularExpressions.Regex.IsMatch(line, @"epoch\s+1/30"));
        killed.Killed.Should().BeTrue(killed.ToString());

        var status = build.Run("--target=Status", "--config=configs/mnist/ci.json", "--set=train.epochs=30", "--set=train.earlyStopping.enabled=false");
        status.Output.Should().MatchRegex(@"Train\s+stale");

        var recovered = Evaluate("--set=train.epochs=3");
        recovered.ExitCode.Should().Be(0, recovered.ToString());
        recovered.Statuses(Stages).Should().Equal(["Skipped", "Skipped", "Succeeded", "Succeeded"], recovered.ToString());
        Directory.EnumerateDirectories(Path.Combine(build.Home, "stages", ".staging")).Should().BeEmpty();
    }

    private BuildResult Evaluate(params string[] overrides) =>
        build.Run(["--target=Evaluate", "--config=configs/mnist/ci.json", .. overrides]);
}
