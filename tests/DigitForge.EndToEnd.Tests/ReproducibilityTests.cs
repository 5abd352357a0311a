using DigitForge.Engine.Hashing;

namespace DigitForge.EndToEnd.Tests;

/// <summary>Same data, config, code and threads: the same weights, bit for bit.</summary>
[Collection("real build")]
public sealed class ReproducibilityTests : IDisposable
{
    private readonly RepoBuild first = new();
    private readonly RepoBuild second = new();

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public void Two_builds_of_ci_json_give_identical_weights_and_verify_reproduces_them()
    {
        foreach (var build in new[] { first, second })
        {
            var result = build.Run("--target=Evaluate", "--config=configs/ci.json");
            result.ExitCode.Should().Be(0, result.ToString());
        }

        ContentHash.OfFile(second.StageFile("Train", "model.weights"))
            .Should().Be(ContentHash.OfFile(first.StageFile("Train", "model.weights")));
        File.ReadAllText(second.StageFile("Evaluate", "metrics.json"))
            .Should().Be(File.ReadAllText(first.StageFile("Evaluate", "metrics.json")));

        var verify = first.Run("--target=Verify", "--config=configs/ci.json");
        verify.ExitCode.Should().Be(0, verify.ToString());
        verify.Output.Should().MatchRegex(@"Train: reproduced \([0-9a-f]{7}\): model.json, model.weights identical")
            .And.Contain("Evaluate: reproduced");
    }
}
