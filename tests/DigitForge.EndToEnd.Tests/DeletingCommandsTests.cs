using System.Security.Cryptography;
using DigitForge.Registry;
using DigitForge.Registry.Store;

namespace DigitForge.EndToEnd.Tests;

/// <summary>Every command that deletes something, through ./build.sh: what it deletes, and that the registry and its versions survive.</summary>
[Collection(BuildLanes.Second)]
[Trait("Category", "EndToEnd")]
public sealed class DeletingCommandsTests(PromotedBuild fixture) : IClassFixture<PromotedBuild>, IDisposable
{
    private readonly TempDirectory temp = new();

    private RepoBuild Build => fixture.Build;

    private string RegistryFile => Path.Combine(fixture.Models, ModelRegistry.DefaultFileName);

    public void Dispose() => temp.Dispose();

    [Fact]
    public void DeleteModels_lists_without_confirm_keeps_production_and_records_the_deletion_keeping_the_entry()
    {
        fixture.Promoted.ExitCode.Should().Be(0, fixture.Promoted.ToString());
        var v2 = RejectedSecondVersion();
        var registryBefore = File.ReadAllBytes(RegistryFile);

        var listed = Build.Run("--target=DeleteModels", "--models=2");
        listed.ExitCode.Should().Be(2, listed.ToString());
        listed.Output.Should().Contain("would delete:").And.MatchRegex(@"v0002-[0-9a-f]{7}\s+rejected\s+accuracy \d+\.\d\d %\s+lowest recall .* \d{4}-\d\d-\d\d \d\d:\d\d")
            .And.Contain("nothing was deleted; add --confirm");
        Directory.Exists(v2.Directory).Should().BeTrue();

        var production = Build.Run("--target=DeleteModels", "--models=1,2", "--confirm");
        production.ExitCode.Should().Be(2, production.ToString());
        production.Output.Should().MatchRegex(@"v0001-[0-9a-f]{7}\s+production").And.MatchRegex(@"v0001-[0-9a-f]{7} is the production model; add --include-production to delete it too\. Nothing was deleted\.");
        var unknown = Build.Run("--target=DeleteModels", "--models=9", "--confirm");
        unknown.ExitCode.Should().Be(2, unknown.ToString());
        unknown.Output.Should().MatchRegex(@"version 9 is not registered; known versions: v0001-[0-9a-f]{7}, v0002-[0-9a-f]{7}");
        File.ReadAllBytes(RegistryFile).Should().Equal(registryBefore, "a refused delete changes nothing");
        new ModelStore(fixture.Models).List().Should().HaveCount(2);

        var deleted = Build.Run("--target=DeleteModels", $"--models={v2.Name}", "--confirm");

        deleted.ExitCode.Should().Be(0, deleted.ToString());
        deleted.Output.Should().Contain($"deleted {v2.Name} (was rejected)");
        Directory.Exists(v2.Directory).Should().BeFalse();
        var registry = new ModelRegistry(new ModelStore(fixture.Models));
        registry.Production()!.Version.Should().Be(1);
        new ModelStore(fixture.Models).Verify(new ModelStore(fixture.Models).Get(1)).Should().BeEmpty();
        var entry = registry.Get(2);
        entry.Stage.Should().Be(ModelStage.Deleted);
        entry.Events[^1].Should().BeEquivalentTo(new { Kind = RegistryEventKind.Deleted, Was = ModelStage.Rejected, Actor = new { User = Environment.UserName, Via = "digitforge models delete --confirm" } });
        File.ReadAllBytes(registry.BackupPath).Should().Equal(File.ReadAllBytes(RegistryFile));

        var models = Build.Run("--target=Models", "--config=configs/mnist/ci.json");
        models.ExitCode.Should().Be(0, models.ToString());
        models.Output.Should().MatchRegex(@"v0001-[0-9a-f]{7}\s+production").And.MatchRegex(@"v0002-[0-9a-f]{7}\s+deleted");
        var lineage = Build.Run("--target=Lineage", "--model=2", "--config=configs/mnist/ci.json");
        lineage.ExitCode.Should().Be(0, lineage.ToString());
        lineage.Output.Should().MatchRegex(@"v0002-[0-9a-f]{7}\s+deleted").And.MatchRegex(@"deleted by \S+ via digitforge models delete --confirm: was rejected");
        var rollback = Build.Run("--target=Rollback", "--to=2", "--config=configs/mnist/ci.json");
        rollback.ExitCode.Should().Be(1, rollback.ToString());
        rollback.Output.Should().MatchRegex(@"v0002-[0-9a-f]{7} was deleted on .* by \S+ via digitforge models delete --confirm; its files are gone");
    }

    [Fact]
    public void CacheGc_prunes_the_stage_cache_and_leaves_the_registry_its_backup_and_every_version_as_they_were()
    {
        fixture.Promoted.ExitCode.Should().Be(0, fixture.Promoted.ToString());
        var before = Snapshot(fixture.Models);

        var gc = Build.Run("--target=CacheGc", "--max-age-days=0", "--max-size-mb=0", "--config=configs/mnist/ci.json");

        gc.ExitCode.Should().Be(0, gc.ToString());
        gc.Output.Should().MatchRegex(@"removed \d+ entries");
        Snapshot(fixture.Models).Should().Equal(before);
        File.Exists(RegistryFile + ".bak").Should().BeTrue();
    }

    [Fact]
    public void Clean_after_a_promote_deletes_stage_outputs_reports_and_tools_and_keeps_the_registry_its_backup_and_every_version()
    {
        // Clean deletes build/bin/cli, which builds running in this checkout use: it runs in a copy.
        var root = RepoCopy.Create(temp.File("repo"));
        using var build = new RepoBuild(root, seeded: true);
        var promoted = build.Run(["--target=Report", .. PromotedBuild.Recipe]);
        promoted.ExitCode.Should().Be(0, promoted.ToString());
        var models = Path.Combine(build.Home, "models");
        var tools = new[] { "cli", "cake", "score", "serve" }.Select(tool => Path.Combine(root, "build", "bin", tool)).ToList();
        Directory.Exists(tools[1]).Should().BeTrue("the build precompiled Cake into build/bin/cake");
        foreach (var tool in tools.Skip(2))
        {
            // Compiling the scoring tool and the service would take minutes; Clean deletes the folders whatever they hold.
            Directory.CreateDirectory(tool);
            File.WriteAllText(Path.Combine(tool, "sources.sha256"), "stand-in");
        }

        Directory.EnumerateFiles(Path.Combine(build.Home, "reports")).Should().NotBeEmpty();
        var before = Snapshot(models);
        before.Keys.Should().Contain([ModelRegistry.DefaultFileName, ModelRegistry.DefaultFileName + ".bak"]).And.Contain(k => k.EndsWith("/model.onnx", StringComparison.Ordinal));

        var clean = build.Run("--target=Clean");

        clean.ExitCode.Should().Be(0, clean.ToString());
        clean.Output.Should().Contain("kept every model version and registry");
        Directory.Exists(Path.Combine(build.Home, "stages")).Should().BeFalse();
        Directory.Exists(Path.Combine(build.Home, "reports")).Should().BeFalse();
        tools.Should().AllSatisfy(tool => Directory.Exists(tool).Should().BeFalse($"Clean deletes {tool}"));
        Snapshot(models).Should().Equal(before, "Clean never touches a model version or the registry");
        File.Exists(Path.Combine(RepoBuild.FindRoot(), "build", "bin", "cli", "digitforge.dll")).Should().BeTrue("the copy's Clean leaves this checkout's CLI alone");
    }

    // v0002: one epoch, rejected by the gate's maximum accuracy drop; built once per fixture.
    private ModelVersion RejectedSecondVersion()
    {
        var store = new ModelStore(fixture.Models);
        if (store.List().Count < 2)
        {
            var worse = Build.Run([.. PromotedBuild.Recipe, "--target=Promote", "--set=train.epochs=1"]);
            worse.ExitCode.Should().Be(0, worse.ToString());
        }

        new ModelRegistry(store).Get(2).Stage.Should().Be(ModelStage.Rejected);
        return store.Get(2);
    }

    // Every file under the models folder (registry, backup, each version's files) with its SHA-256; lock files excluded.
    private static SortedDictionary<string, string> Snapshot(string models) => new(
        Directory.EnumerateFiles(models, "*", SearchOption.AllDirectories)
            .Where(file => !Path.GetFileName(file).StartsWith('.') && !file.Contains("/.", StringComparison.Ordinal))
            .ToDictionary(
                file => Path.GetRelativePath(models, file).Replace('\\', '/'),
                file => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)))),
        StringComparer.Ordinal);
}
