using DigitForge.Registry;
using DigitForge.Registry.Store;

namespace DigitForge.EndToEnd.Tests;

/// <summary>The quality gate, versions and registry through the real build and CLI.</summary>
[Trait("Category", "EndToEnd")]
[Collection(BuildLanes.Second)]
public sealed class PromoteTests : IDisposable
{
    // The ci recipe trains for seconds, so the gate's accuracy bars are lowered to let v0001 pass.
    private static readonly string[] Recipe = ["--config=configs/mnist/ci.json", "--set=promote.minAccuracy=0.1", "--set=promote.minClassRecall=0"];
    private static readonly string[] CliRecipe = ["--config", "configs/mnist/ci.json", "--set", "promote.minAccuracy=0.1", "--set", "promote.minClassRecall=0"];
    private readonly RepoBuild build = new(seeded: true);

    public void Dispose() => build.Dispose();

    private string Models => Path.Combine(build.Home, "models");

    private string RegistryFile => Path.Combine(Models, ModelRegistry.DefaultFileName);

    [Fact]
    public void Promotion_rejection_force_and_rollback_are_all_recorded_and_production_only_moves_when_told()
    {
        var first = build.Run(["--target=Promote", .. Recipe]);
        first.ExitCode.Should().Be(0, first.ToString());
        first.Output.Should().Contain("promoted v0001-").And.MatchRegex(@"parity with TorchSharp: max \|logit difference\| \S+ over 120 images \(tolerance 1e-4\), 0 different predictions");
        File.ReadAllText(build.StageFile("Promote", "decision.json")).Should().Contain("\"outcome\": \"promote\"");
        var v1 = new ModelStore(Models).Get(1);
        Directory.EnumerateFiles(v1.Directory).Select(Path.GetFileName).Should().Contain(["model.onnx", "model.weights", "metrics.json", "model-card.md", "manifest.json", ModelVersion.GoldenSetFileName]);

        var again = build.Run(["--target=Promote", .. Recipe]);
        again.Statuses("Ingest", "Preprocess", "Train", "Evaluate", "Promote").Should().AllBe("Skipped", again.ToString());
        new ModelStore(Models).List().Should().ContainSingle("an unchanged rerun creates no version");

        // The registry is part of Promote's fingerprint: pointed at another one, the build promotes there too.
        var shared = Path.Combine(build.Home, "shared-registry");
        build.Environment["DIGITFORGE_REGISTRY"] = shared;
        var elsewhere = build.Run(["--target=Promote", .. Recipe]);
        elsewhere.ExitCode.Should().Be(0, elsewhere.ToString());
        elsewhere.Statuses("Train", "Evaluate").Should().AllBe("Skipped", elsewhere.ToString());
        elsewhere.Output.Should().Contain($"environment changed: registry ({RegistryFile} -> {Path.Combine(shared, "mnist", ModelRegistry.DefaultFileName)})");
        new ModelRegistry(new ModelStore(Path.Combine(shared, "mnist"))).Production()!.Name.Should().Be(v1.Name);
        build.Environment.Remove("DIGITFORGE_REGISTRY");
        build.Run(["--target=Promote", .. Recipe]).Output.Should().Contain($"already stored in {Models}");

        // A local registry deleted since is no reason to call Promote up to date: it registers the model again.
        Directory.Move(Models, Models + "-aside");
        var gone = build.Run(["--target=Promote", .. Recipe]);
        gone.ExitCode.Should().Be(0, gone.ToString());
        gone.Output.Should().Contain($"the registry it promoted into is gone ({RegistryFile})").And.Contain("promoted v0001-");
        Directory.Delete(Models, recursive: true);
        Directory.Move(Models + "-aside", Models);
        build.Run(["--target=Promote", .. Recipe]).Statuses("Promote").Should().AllBe("Skipped", "the registry is back as it was");

        var worse = build.Run(["--target=Promote", .. Recipe, "--set=train.epochs=1"]);
        worse.ExitCode.Should().Be(0, worse.ToString());
        worse.Output.Should().MatchRegex(@"v0002-[0-9a-f]{7} not promoted; production stays v0001-[0-9a-f]{7}: accuracy .* exceeds the allowed 0.20 points");

        var models = build.Run("--target=Models", "--config=configs/mnist/ci.json");
        models.Output.Should().MatchRegex(@"v0001-[0-9a-f]{7}\s+production").And.MatchRegex(@"v0002-[0-9a-f]{7}\s+rejected");

        var compare = build.Run("--target=Compare", "--config=configs/mnist/ci.json");
        compare.ExitCode.Should().Be(0, compare.ToString());
        compare.Output.Should().MatchRegex(@"metric\s+v0001-[0-9a-f]{7}\s+v0002-[0-9a-f]{7}\s+change").And.MatchRegex(@"accuracy\s+0\.\d{4}\s+0\.\d{4}\s+-0\.\d{4} worse");
        File.ReadAllText(Path.Combine(build.Home, "comparison.md")).Should().StartWith("### Model comparison: v0001-").And.Contain("| digit 9 F1 |");

        var forced = build.Run(["--target=Promote", .. Recipe, "--set=train.epochs=1", "--force"]);
        forced.ExitCode.Should().Be(0, forced.ToString());
        forced.Statuses("Train", "Evaluate").Should().AllBe("Skipped", "--force re-runs only the gate");
        forced.Output.Should().MatchRegex(@"promoted v0002-[0-9a-f]{7} to production \(was v0001-[0-9a-f]{7}\) by --force, overriding the gate");
        new ModelRegistry(new ModelStore(Models)).Production()!.Version.Should().Be(2);

        var rollback = build.Run("--target=Rollback", "--config=configs/mnist/ci.json");
        rollback.ExitCode.Should().Be(0, rollback.ToString());
        rollback.Output.Should().MatchRegex(@"production is now v0001-[0-9a-f]{7} \(was v0002-[0-9a-f]{7}\)");

        var archived = build.Run(["--target=Promote", .. Recipe, "--set=train.epochs=1", "--force"]);
        archived.Output.Should().MatchRegex(@"v0002-[0-9a-f]{7} was production before; restored it as production by --force \(was v0001-[0-9a-f]{7}\), recorded as a rollback");
        build.Run("--target=Rollback", "--to=1", "--config=configs/mnist/ci.json").ExitCode.Should().Be(0);

        var lineage = build.Run("--target=Lineage", "--model=2", "--config=configs/mnist/ci.json");
        lineage.ExitCode.Should().Be(0, lineage.ToString());
        lineage.Output.Should().MatchRegex(@"v0002-[0-9a-f]{7}\s+archived")
            .And.MatchRegex(@"parent\s+v0001-")
            .And.Contain("train.epochs = 1")
            .And.MatchRegex(@"Ingest\s+fingerprint [0-9a-f]{7}")
            .And.MatchRegex(@"rejected by .* via build: Promote stage: accuracy")
            .And.MatchRegex(@"promoted by .* via build: Promote stage --force: FORCED over the gate's reject, from v0001")
            .And.MatchRegex(@"rolled back by .* via digitforge models rollback: from v0002, to v0001");
    }

    [Fact]
    public void Tampered_files_unknown_versions_and_a_damaged_registry_are_clear_errors_that_change_nothing()
    {
        build.Run(["--target=Promote", .. Recipe]).ExitCode.Should().Be(0);
        var v1 = new ModelStore(Models).Get(1);
        var registryBefore = File.ReadAllBytes(RegistryFile);

        var unknown = build.Cli(["models", "rollback", "--to", "v9"]);
        unknown.ExitCode.Should().Be(1, unknown.ToString());
        unknown.Output.Should().Contain($"version 9 is not registered; known versions: {v1.Name}");
        var malformed = build.Cli(["models", "show", "latest"]);
        malformed.Output.Should().Contain("'latest' is not a model version");

        File.AppendAllText(v1.OnnxPath, "tampered");
        var show = build.Cli(["models", "show", "1"]);
        show.ExitCode.Should().Be(3, show.ToString());
        show.Output.Should().MatchRegex(@"files\s+DAMAGED: model.onnx modified \(manifest sha256 [0-9a-f]{7}, file has [0-9a-f]{7}\)");
        var verify = build.Cli(["models", "verify"]);
        verify.ExitCode.Should().Be(3, verify.ToString());
        verify.Output.Should().Contain($"{v1.Name}: DAMAGED: model.onnx modified");
        var rebuild = build.Run(["--target=Promote", .. Recipe, "--rerun"]);
        rebuild.ExitCode.Should().NotBe(0, "a tampered version is never taken as the model");
        rebuild.Output.Should().Contain($"{v1.Directory}: model files do not match manifest.json: model.onnx modified");
        File.ReadAllBytes(RegistryFile).Should().Equal(registryBefore);

        File.WriteAllText(RegistryFile, "{ \"schema\": 1, \"versions\": [ { \"version\": 1 ");
        var damaged = build.Cli(["models"]);
        damaged.ExitCode.Should().Be(3, damaged.ToString());
        damaged.Output.Should().Contain($"{RegistryFile} is damaged").And.Contain("It was left unchanged");
        File.ReadAllText(RegistryFile).Should().Be("{ \"schema\": 1, \"versions\": [ { \"version\": 1 ");
    }

    [Fact]
    public void Promotion_killed_at_any_point_leaves_no_half_version_and_the_next_run_completes_it()
    {
        build.Run(["--target=Evaluate", .. Recipe]).ExitCode.Should().Be(0);
        var kills = 0;

        // kill -9 at growing delays across the whole Promote run (start-up, export, parity, store, registry) until one completes.
        for (var delay = 0.3; delay < 6; delay += 0.15)
        {
            var run = build.Cli(["run", "Promote", .. CliRecipe], TimeSpan.FromSeconds(delay));
            AssertStoreAndRegistryConsistent();
            if (!run.Killed)
            {
                run.ExitCode.Should().Be(0, run.ToString());
                break;
            }

            kills++;
        }

        kills.Should().BeGreaterThan(3, "the kills must land inside the stage, not all before or after it");
        var final = build.Run(["--target=Promote", .. Recipe]);
        final.ExitCode.Should().Be(0, final.ToString());
        var registry = new ModelRegistry(new ModelStore(Models));
        registry.List().Should().ContainSingle().Which.Stage.Should().Be(ModelStage.Production);
        new ModelStore(Models).List().Should().ContainSingle().Which.Name.Should().StartWith("v0001-");
        build.Cli(["models", "verify"]).ExitCode.Should().Be(0);
    }

    private void AssertStoreAndRegistryConsistent()
    {
        var store = new ModelStore(Models);
        foreach (var version in store.List())
        {
            store.Verify(version).Should().BeEmpty($"{version.Name} is a committed version folder");
        }

        if (File.Exists(RegistryFile))
        {
            var registered = new ModelRegistry(store).List();
            registered.Select(e => e.Version).Should().BeSubsetOf(store.List().Select(v => v.Number));
        }
    }
}
