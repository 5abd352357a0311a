using System.Text.RegularExpressions;
using DigitForge.Engine.Diagnostics;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Records;
using DigitForge.Engine.Storage;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// One build holds the artifacts lock from its first stage to its last. Forces, with a pause at the
/// run.after-stage fault point, the interleaving a per-stage lock allowed: another recipe's build
/// between A's Train and A's Evaluate, which would have made A evaluate B's model.
/// </summary>
[Collection(BuildLanes.First)]
[Trait("Category", "EndToEnd")]
public sealed class OneBuildOneLockTests : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);
    private readonly RepoBuild build = new();
    private readonly TempDirectory temp = new();

    public void Dispose()
    {
        build.Dispose();
        temp.Dispose();
    }

    [Fact]
    public void A_second_build_waits_for_the_whole_first_build_or_with_no_wait_exits_6_naming_it()
    {
        var pause = temp.File("pause-after-train");
        using var a = build.Start(
            ["--target=Evaluate", "--config=configs/mnist/ci.json"],
            new Dictionary<string, string> { [FaultPoints.Variable] = $"{FaultPoints.RunAfterStage.Name}:Train=pause({pause})" });
        WaitFor(() => File.Exists(pause) || a.HasExited, Long);
        File.Exists(pause).Should().BeTrue($"A pauses after its Train:\n{a.Output}");
        var aWeights = ContentHash.OfFile(build.StageFile("Train", "model.weights"));
        var trainRecord = File.ReadAllBytes(build.StageFile("Train", "stage.lock.json"));
        string[] recipeB = ["--target=Evaluate", "--config=configs/mnist/ci.json", "--set=train.epochs=1"];

        var busy = build.Run([.. recipeB, "--no-wait"]);

        busy.ExitCode.Should().Be(6, busy.ToString());
        busy.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), "--no-wait does not wait (the time is dotnet's start-up)");
        var holder = Regex.Match(busy.Output, @"is held by pid (\d+) on \S+ \(\./build\.sh --pipeline=mnist --target=Evaluate\) since ");
        holder.Success.Should().BeTrue(busy.ToString());
        a.Owns(int.Parse(holder.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Should().BeTrue($"pid {holder.Groups[1].Value} is build A's (pid {a.Pid}) process");

        using var b = build.Start(recipeB);
        b.WaitForOutput(output => output.Contains("waiting up to", StringComparison.Ordinal), TimeSpan.FromMinutes(3));
        b.Output.Should().MatchRegex(@"is held by pid \d+ on \S+ \(\./build\.sh --pipeline=mnist --target=Evaluate\) since .*; waiting up to");

        // B has run nothing: no task of it started, A's Train output is untouched.
        Thread.Sleep(TimeSpan.FromSeconds(3));
        b.HasExited.Should().BeFalse(b.Output);
        b.Output.Should().NotContain("════", "no Cake task of B starts while A holds the lock");
        File.ReadAllBytes(build.StageFile("Train", "stage.lock.json")).Should().Equal(trainRecord);

        File.Delete(pause);
        var aResult = a.WaitForExit(Long);
        aResult.ExitCode.Should().Be(0, aResult.ToString());
        var aEvaluated = EvaluatedWeights();
        aEvaluated.Should().Be(aWeights, "A's Evaluate scores the model A's Train wrote");

        var bResult = b.WaitForExit(Long);
        bResult.ExitCode.Should().Be(0, bResult.ToString());
        bResult.TaskStatus("Train").Should().Be("Succeeded", bResult.ToString());
        var bWeights = ContentHash.OfFile(build.StageFile("Train", "model.weights"));
        bWeights.Should().NotBe(aWeights, "B's recipe trains one epoch");
        EvaluatedWeights().Should().Be(bWeights, "B's Evaluate scores B's model");
    }

    private string EvaluatedWeights() =>
        JsonFile.Read<StageRecord>(build.StageFile("Evaluate", "stage.lock.json")).Components.Inputs["Train/model.weights"];

    private static void WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(200);
        }
    }
}
