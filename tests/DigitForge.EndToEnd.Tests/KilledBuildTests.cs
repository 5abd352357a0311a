using System.Text.RegularExpressions;
using Xunit.Abstractions;
using DigitForge.Engine.Diagnostics;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Records;
using DigitForge.Engine.Storage;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// kill -9 of a forced re-run of the recipe that built the good outputs (configs/mnist/ci.json), at
/// several points, including inside a commit: the last good outputs survive every kill (or the
/// stage is gone and comes back), and the build after it leaves them bit-identical to the unkilled one.
/// </summary>
[Collection(BuildLanes.First)]
[Trait("Category", "EndToEnd")]
public sealed class KilledBuildTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Stages = ["Ingest", "Preprocess", "Train", "Evaluate"];

    // Train's timings (TrainStage.VolatileOutputs): a re-run of the same recipe writes other seconds.
    private static readonly string[] Timings = ["Train/history.json", "Train/training.json"];

    private static readonly string[] Rerun = ["--target=Evaluate", "--config=configs/mnist/ci.json", "--rerun"];

    // The good outputs come from the seeded cache (a real, unkilled build of the same recipe): every
    // re-run here is forced, and the cache is emptied before the build that must not re-run Train.
    private readonly RepoBuild build = new(seeded: true);

    public void Dispose() => build.Dispose();

    [Fact]
    public void Killing_a_rerun_of_the_same_recipe_anywhere_keeps_the_last_good_outputs_and_the_next_build_is_bit_identical()
    {
        var first = build.Run("--target=Evaluate", "--config=configs/mnist/ci.json");
        first.ExitCode.Should().Be(0, first.ToString());
        var reference = Outputs();
        reference.Keys.Should().Contain(["Train/model.weights", "Evaluate/metrics.json", "Preprocess/test-images.idx"]);

        // The whole build's process tree, when the re-run reaches each point.
        foreach (var point in new[] { @"Preprocess\s+info forced run", @"epoch\s+2/", @"Evaluate\s+info forced run" })
        {
            var killed = build.Run(Rerun, TimeSpan.FromMinutes(8), line => Regex.IsMatch(line, point));
            killed.Killed.Should().BeTrue($"the re-run reaches '{point}'\n{killed}");
            output.WriteLine($"killed at '{point}' after {killed.Elapsed.TotalSeconds:0.0} s");
            LastGoodOutputsOrNone(reference, allowMissing: []);
        }

        // The CLI alone, at timed points through a forced Train (start-up, data loading, epochs, the
        // commit), as fractions of how long one unkilled forced run takes now (the load varies).
        var whole = TrainAgain(killAfter: null);
        whole.ExitCode.Should().Be(0, whole.ToString());
        LastGoodOutputsOrNone(reference, allowMissing: []);
        var seconds = whole.Elapsed.TotalSeconds;
        var timedKills = 0;
        foreach (var after in new[] { 0.8, seconds * 0.5, seconds * 0.9 })
        {
            var run = TrainAgain(TimeSpan.FromSeconds(after));
            timedKills += run.Killed ? 1 : 0;
            output.WriteLine($"CLI run Train --rerun: {(run.Killed ? "killed" : $"finished (exit {run.ExitCode})")} after {run.Elapsed.TotalSeconds:0.0} s of {seconds:0.0} s");
            LastGoodOutputsOrNone(reference, allowMissing: []);
        }

        timedKills.Should().BeGreaterThanOrEqualTo(2, "most timed kills land while the CLI runs");

        // Inside Train's commit, between its two renames (the fault point SIGKILLs the CLI there).
        build.Environment[FaultPoints.Variable] = $"{FaultPoints.CommitBetweenRenames.Name}:Train=kill";
        var inCommit = build.Run(Rerun);
        build.Environment.Remove(FaultPoints.Variable);
        inCommit.ExitCode.Should().NotBe(0, inCommit.ToString());
        Directory.Exists(Path.Combine(build.Home, "stages", "Train")).Should().BeFalse("the fault point fires with the old folder aside and the new one not yet in place\n" + inCommit);
        LastGoodOutputsOrNone(reference, allowMissing: ["Train"]);

        // Without the stage cache, only the folder the commit left aside can bring Train back unrun.
        Directory.Delete(build.Cache, recursive: true);
        var next = build.Run("--target=Evaluate", "--config=configs/mnist/ci.json");
        next.ExitCode.Should().Be(0, next.ToString());
        next.Statuses(Stages).Should().AllBe("Skipped", next.ToString());
        output.WriteLine($"after the kill inside the commit, the next build took {next.Elapsed.TotalSeconds:0.0} s and re-ran nothing");
        next.Output.Should().Contain("Train: a build was killed while committing it; its last good outputs are back in place");
        Outputs().Should().Equal(reference);
        Directory.EnumerateFileSystemEntries(Path.Combine(build.Home, "stages", ".staging")).Should().BeEmpty();
    }

    /// <summary>Every committed stage's outputs are exactly those its record lists, intact, and the same as the unkilled build's.</summary>
    private void LastGoodOutputsOrNone(IReadOnlyDictionary<string, string> reference, string[] allowMissing)
    {
        foreach (var stage in Stages)
        {
            var directory = Path.Combine(build.Home, "stages", stage);
            if (!Directory.Exists(directory) && allowMissing.Contains(stage))
            {
                continue;
            }

            var record = JsonFile.Read<StageRecord>(Path.Combine(directory, StageStore.RecordFileName));
            StageStore.HashOutputs(directory).Should().Equal(record.Outputs, $"{stage}'s folder holds exactly its recorded outputs, intact");
        }

        Outputs().Where(o => !allowMissing.Contains(o.Key.Split('/')[0])).Should().Equal(reference.Where(o => !allowMissing.Contains(o.Key.Split('/')[0])));
    }

    /// <summary>"Stage/file" to SHA-256 of every committed output, timings excepted.</summary>
    private SortedDictionary<string, string> Outputs()
    {
        var outputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var stage in Stages.Where(s => Directory.Exists(Path.Combine(build.Home, "stages", s))))
        {
            foreach (var (file, hash) in StageStore.HashOutputs(Path.Combine(build.Home, "stages", stage)))
            {
                if (!Timings.Contains($"{stage}/{file}"))
                {
                    outputs[$"{stage}/{file}"] = hash;
                }
            }
        }

        return outputs;
    }

    private BuildResult TrainAgain(TimeSpan? killAfter) => build.Cli(["run", "Train", "--rerun", "--config", "configs/mnist/ci.json"], killAfter);
}
