using DigitForge.Tests.Azurite;

namespace DigitForge.EndToEnd.Tests;

/// <summary>Two machines sharing stage outputs through a real Azure Blob endpoint (Azurite).</summary>
[Trait("Category", "EndToEnd")]
[Trait("Category", "Azurite")]
[Collection(BuildLanes.First)]
public sealed class RemoteCacheTests : IClassFixture<PrerequisiteReport>, IDisposable
{
    private static readonly string[] Stages = ["Ingest", "Preprocess", "Train", "Evaluate"];
    // Started by the test that uses it, which skips when Azurite cannot be had (see AzuriteServer).
    private readonly Lazy<AzuriteServer> azurite = new(() => new AzuriteServer());
    private readonly TempDirectory clones = new();

    public void Dispose()
    {
        if (azurite.IsValueCreated)
        {
            azurite.Value.Dispose();
        }

        clones.Dispose();
    }

    [SkippableFact]
    public void Another_checkout_pointed_at_the_remote_restores_every_stage_and_trains_nothing()
    {
        using var a = Builder(RepoBuild.FindRoot());
        var built = a.Run("--target=Evaluate", "--config=configs/mnist/ci.json");
        built.ExitCode.Should().Be(0, built.ToString());
        built.Statuses(Stages).Should().AllBe("Succeeded");

        using var b = Builder(RepoCopy.Create(clones.File("b")));
        var restored = b.Run("--target=Evaluate", "--config=configs/mnist/ci.json");

        restored.ExitCode.Should().Be(0, restored.ToString());
        restored.Statuses(Stages).Should().AllBe("Skipped", restored.ToString());
        foreach (var stage in Stages)
        {
            restored.SummaryRow(stage).Should().Contain("restored from cache");
        }

        restored.Output.Should().NotContain("epoch 1/");
        File.ReadAllBytes(b.StageFile("Evaluate", "metrics.json")).Should().Equal(File.ReadAllBytes(a.StageFile("Evaluate", "metrics.json")));
        File.ReadAllBytes(b.StageFile("Train", "model.weights")).Should().Equal(File.ReadAllBytes(a.StageFile("Train", "model.weights")));
    }

    [Fact]
    public void With_the_remote_down_the_build_warns_and_goes_on_locally()
    {
        using var build = new RepoBuild();
        build.Environment["DIGITFORGE_REMOTE"] = "azure://digitforge-cache";
        build.Environment["AZURE_STORAGE_CONNECTION_STRING"] = AzuriteServer.Unreachable;

        var result = build.Run("--target=Preprocess", "--config=configs/mnist/ci.json");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Statuses("Ingest", "Preprocess").Should().AllBe("Succeeded");
        result.Output.Should().Contain("remote cache azure://digitforge-cache at http://127.0.0.1:").And.Contain("going on with the local cache only");
    }

    // A builds in this checkout, B in a copy of it with its compiled tools: two machines. (That a fresh
    // clone compiles the same code fingerprints is CodeFingerprintTests' first step.)
    private RepoBuild Builder(string root)
    {
        var build = new RepoBuild(root);
        build.Environment["DIGITFORGE_REMOTE"] = "azure://digitforge-cache";
        build.Environment["AZURE_STORAGE_CONNECTION_STRING"] = azurite.Value.ConnectionString;
        return build;
    }
}
