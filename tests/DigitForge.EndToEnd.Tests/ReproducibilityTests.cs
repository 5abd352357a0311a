using System.Runtime.Intrinsics.X86;
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
        version.Output.Should().MatchRegex(@"v0001-[0-9a-f]{7}: reproduced: model.json, model.weights, metrics.json, metrics.txt identical")
            .And.NotContain("not as recorded");

        // Other kernels (narrower vector instructions) sum in another order: other weights, and
        // verify says so, naming the cause.
        var narrower = Avx512F.VL.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported ? "avx2" : "default";
        first.Environment["ATEN_CPU_CAPABILITY"] = narrower;
        var otherKernels = first.Run("--target=Verify", "--model=1", "--config=configs/mnist/ci.json");
        otherKernels.ExitCode.Should().NotBe(0, otherKernels.ToString());
        otherKernels.Output.Should().MatchRegex(@"v0001-[0-9a-f]{7}: NOT reproduced: model.weights: recorded [0-9a-f]{7}, re-run [0-9a-f]{7}")
            .And.MatchRegex($@"not as recorded: environment changed: cpu \(\w+ -> {narrower}\) \(Train, Evaluate\)");
    }
}
