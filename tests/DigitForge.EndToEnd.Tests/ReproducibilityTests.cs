using DigitForge.Engine.Hashing;

namespace DigitForge.EndToEnd.Tests;

/// <summary>Same data, config, code and threads: the same weights, bit for bit.</summary>
[Trait("Category", "EndToEnd")]
[Collection(BuildLanes.First)]
public sealed class ReproducibilityTests : IDisposable
{
    // The first build's Train is the seed build's (restored from the seeded cache); the second trains
    // here, and each Verify trains again: three independent trainings of the same recipe.
    private readonly RepoBuild first = new(seeded: true);
    private readonly RepoBuild second = new();

    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public void Two_builds_of_ci_json_give_identical_weights_and_verify_reproduces_them()
    {
        // The first build also registers the model (gate lowered: the ci recipe trains for seconds).
        var promoted = first.Run("--target=Promote", "--config=configs/mnist/ci.json", "--set=promote.minAccuracy=0.1", "--set=promote.minClassRecall=0");
        promoted.ExitCode.Should().Be(0, promoted.ToString());
        var built = second.Run("--target=Evaluate", "--config=configs/mnist/ci.json");
        built.ExitCode.Should().Be(0, built.ToString());

        ContentHash.OfFile(second.StageFile("Train", "model.weights"))
            .Should().Be(ContentHash.OfFile(first.StageFile("Train", "model.weights")));
        File.ReadAllText(second.StageFile("Evaluate", "metrics.json"))
            .Should().Be(File.ReadAllText(first.StageFile("Evaluate", "metrics.json")));

        var verify = first.Run("--target=Verify", "--config=configs/mnist/ci.json");
        verify.ExitCode.Should().Be(0, verify.ToString());
        verify.Output.Should().MatchRegex(@"Train: reproduced \([0-9a-f]{7}\): model.json, model.weights identical")
            .And.Contain("Evaluate: reproduced");

        var version = first.Run("--target=Verify", "--model=1", "--config=configs/mnist/ci.json");
        version.ExitCode.Should().Be(0, version.ToString());
        version.Output.Should().MatchRegex(@"v0001-[0-9a-f]{7}: reproduced: feedback.json, model.json, model.weights, metrics.json, metrics.txt identical")
            .And.NotContain("not as recorded");

        // Portable kernels (the default) pin libtorch, oneDNN and MKL to their portable code paths whatever the
        // environment asks for: settings that would change the arithmetic change nothing.
        first.Environment["ATEN_CPU_CAPABILITY"] = "default";
        first.Environment["MKL_CBWR"] = "AVX2";
        var pinned = first.Run("--target=Verify", "--model=1", "--config=configs/mnist/ci.json");
        pinned.ExitCode.Should().Be(0, pinned.ToString());
        pinned.Output.Should().MatchRegex(@"v0001-[0-9a-f]{7}: reproduced: feedback.json, model.json, model.weights").And.NotContain("not as recorded");

        // Native kernels follow the environment, and the fingerprint records it: libtorch's unvectorised
        // kernels sum in another order (other weights), and a build under other settings re-trains, naming them.
        second.Environment["ATEN_CPU_CAPABILITY"] = "default";
        var native = second.Run("--target=Train", "--config=configs/mnist/ci.json", "--set=train.kernels=native");
        native.ExitCode.Should().Be(0, native.ToString());
        ContentHash.OfFile(second.StageFile("Train", "model.weights"))
            .Should().NotBe(ContentHash.OfFile(first.StageFile("Train", "model.weights")));
        second.Environment["ATEN_CPU_CAPABILITY"] = "avx2";
        var otherKernels = second.Run("--target=Train", "--config=configs/mnist/ci.json", "--set=train.kernels=native");
        otherKernels.ExitCode.Should().Be(0, otherKernels.ToString());
        otherKernels.Output.Should().Contain("environment changed: cpu (default -> avx2)")
            .And.Contain("environment changed: kernels (native; ATEN_CPU_CAPABILITY=default");
    }
}
