namespace DigitForge.EndToEnd.Tests;

/// <summary>The quality gate through the real build: promotion, rejection, and an unchanged rerun.</summary>
[Collection("real build")]
public sealed class PromoteTests : IDisposable
{
    // The ci recipe trains for seconds, so the gate's accuracy bars are lowered to let v0001 pass.
    private static readonly string[] Recipe = ["--config=configs/ci.json", "--set=promote.minAccuracy=0.1", "--set=promote.minClassRecall=0"];
    private readonly RepoBuild build = new();

    public void Dispose() => build.Dispose();

    [Fact]
    public void First_model_is_promoted_a_worse_one_is_rejected_and_production_stays()
    {
        var first = build.Run(["--target=Promote", .. Recipe]);
        first.ExitCode.Should().Be(0, first.ToString());
        first.Output.Should().Contain("promoted v0001-");
        File.ReadAllText(build.StageFile("Promote", "decision.json")).Should().Contain("\"outcome\": \"promote\"");

        var again = build.Run(["--target=Promote", .. Recipe]);
        again.Statuses("Ingest", "Preprocess", "Train", "Evaluate", "Promote").Should().AllBe("Skipped", again.ToString());

        var worse = build.Run(["--target=Promote", .. Recipe, "--set=train.epochs=1"]);
        worse.ExitCode.Should().Be(0, worse.ToString());
        worse.Output.Should().MatchRegex(@"v0002-[0-9a-f]{7} not promoted; production stays v0001-[0-9a-f]{7}: accuracy .* exceeds the allowed 0.20 points");

        var models = build.Run("--target=Models", "--config=configs/ci.json");
        models.Output.Should().MatchRegex(@"v0001-[0-9a-f]{7}\s+production").And.MatchRegex(@"v0002-[0-9a-f]{7}\s+rejected");
        File.ReadAllText(Path.Combine(build.Artifacts, "models", "registry.json")).Should().Contain("\"kind\": \"rejected\"");
    }
}
