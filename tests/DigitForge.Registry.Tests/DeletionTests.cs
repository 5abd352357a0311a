using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;

namespace DigitForge.Registry.Tests;

/// <summary>Deleting versions: the folder goes, the registry entry stays with who deleted it and what it was.</summary>
[Trait("Category", "Unit")]
public sealed class DeletionTests : IDisposable
{
    private static readonly Actor Bob = new Actor("bob", "laptop-7") with { Via = "digitforge models delete --confirm" };
    private static readonly GateDecision Pass = QualityGate.Decide(TestModels.Metrics(), production: null, new GateConfig(), TestModels.Digits);

    private readonly TempDirectory temp = new();
    private readonly ModelStore store;
    private readonly ModelRegistry registry;

    public DeletionTests()
    {
        store = new ModelStore(temp.File("models"));
        registry = new ModelRegistry(store);
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Deleting_removes_the_folders_and_keeps_each_entry_with_who_through_what_and_the_stage_it_had()
    {
        var candidate = RegisterNew("a");
        var rejected = RegisterNew("b");
        registry.Reject(rejected, ["too weak"]);
        var kept = RegisterNew("c");
        var folders = store.List().ToDictionary(v => v.Number, v => v.Directory);

        registry.Delete([candidate, rejected], actor: Bob);

        Directory.Exists(folders[candidate]).Should().BeFalse();
        Directory.Exists(folders[rejected]).Should().BeFalse();
        Directory.Exists(folders[kept]).Should().BeTrue();
        store.List().Select(v => v.Number).Should().Equal(kept);

        // A fresh reader accepts the registry: a deleted entry without a folder is not a dangling version.
        var reread = new ModelRegistry(new ModelStore(store.Root));
        reread.List().Select(e => (e.Version, e.Stage)).Should().Equal((candidate, ModelStage.Deleted), (rejected, ModelStage.Deleted), (kept, ModelStage.Candidate));
        reread.Get(candidate).Events[^1].Should().BeEquivalentTo(new { Kind = RegistryEventKind.Deleted, Actor = Bob, Was = ModelStage.Candidate });
        reread.Get(rejected).Events.Select(e => e.Kind).Should().Equal(RegistryEventKind.Registered, RegistryEventKind.Rejected, RegistryEventKind.Deleted);
        reread.Get(rejected).Events[^1].Was.Should().Be(ModelStage.Rejected);
        File.ReadAllText(registry.FilePath).Should().Contain("\"kind\": \"deleted\"").And.Contain("\"was\": \"rejected\"").And.Contain("\"via\": \"digitforge models delete --confirm\"");
        File.ReadAllBytes(registry.BackupPath).Should().Equal(File.ReadAllBytes(registry.FilePath));
    }

    [Fact]
    public void Production_is_refused_without_include_production_and_nothing_is_deleted()
    {
        var production = RegisterNew("a");
        var candidate = RegisterNew("b");
        registry.Promote(production, Pass);
        var before = File.ReadAllBytes(registry.FilePath);

        var act = () => registry.Delete([candidate, production], actor: Bob);

        act.Should().Throw<RegistryException>().WithMessage("v0001-* is the production model; it is deleted only together with the include-production option (nothing was deleted)");
        File.ReadAllBytes(registry.FilePath).Should().Equal(before);
        store.List().Select(v => v.Number).Should().Equal(production, candidate);
    }

    [Fact]
    public void Deleting_production_when_asked_leaves_no_production_and_rollback_brings_back_the_one_before()
    {
        var first = RegisterNew("a");
        var second = RegisterNew("b");
        registry.Promote(first, Pass);
        registry.Promote(second, Pass);

        registry.Delete([second], includeProduction: true, actor: Bob);

        registry.Production().Should().BeNull();
        registry.Get(second).Events[^1].Was.Should().Be(ModelStage.Production);
        var restored = registry.Rollback(actor: Bob);
        restored.Version.Should().Be(first);
        registry.Production()!.Version.Should().Be(first);
        restored.Events[^1].Should().BeEquivalentTo(new { Kind = RegistryEventKind.RolledBack, From = (int?)null, To = first });
        registry.Get(second).Stage.Should().Be(ModelStage.Deleted, "a deleted version never comes back to life");
    }

    [Fact]
    public void A_deleted_version_cannot_be_promoted_rolled_back_to_or_read_and_says_who_deleted_it()
    {
        var first = RegisterNew("a");
        var second = RegisterNew("b");
        registry.Promote(first, Pass);
        registry.Promote(second, Pass);
        registry.Delete([first], actor: Bob);
        const string Deleted = "v0001-* was deleted on * UTC by bob@laptop-7 via digitforge models delete --confirm; its files are gone and * keeps only its history";

        FluentActions.Invoking(() => registry.Promote(first, Pass, force: true)).Should().Throw<RegistryException>().WithMessage(Deleted);
        FluentActions.Invoking(() => registry.Rollback(to: first)).Should().Throw<RegistryException>().WithMessage(Deleted);
        FluentActions.Invoking(() => registry.Rollback()).Should().Throw<RegistryException>().WithMessage("*no earlier production version to roll back to from v0002-*");
        FluentActions.Invoking(() => registry.Lineage(first)).Should().Throw<RegistryException>().WithMessage(Deleted);
        FluentActions.Invoking(() => registry.GetStored(first)).Should().Throw<RegistryException>().WithMessage(Deleted);
        registry.Get(first).Stage.Should().Be(ModelStage.Deleted);
    }

    [Fact]
    public void The_same_weights_stored_again_after_deletion_become_a_new_version_and_numbers_are_never_reused()
    {
        var first = RegisterNew("a");
        registry.Delete([first], actor: Bob);

        var again = TestModels.Add(store, "a");

        again.Created.Should().BeTrue();
        again.Version.Number.Should().Be(2);
        registry.Register(again.Version, TestModels.Metrics()).Stage.Should().Be(ModelStage.Candidate);
        registry.List().Select(e => (e.Version, e.Stage)).Should().Equal((1, ModelStage.Deleted), (2, ModelStage.Candidate));
    }

    [Fact]
    public void A_delete_killed_after_the_registry_write_is_finished_by_deleting_again_and_is_not_reused_meanwhile()
    {
        var model = TestModels.Add(store, "a").Version;
        registry.Register(model, TestModels.Metrics());
        var saved = temp.File("saved");
        CopyDirectory(model.Directory, saved);
        registry.Delete([model.Number], actor: Bob);

        // What a kill between the registry write and the folder's removal leaves behind.
        CopyDirectory(saved, model.Directory);
        var rebuilt = TestModels.Add(store, "a");
        var register = () => registry.Register(rebuilt.Version, TestModels.Metrics());
        register.Should().Throw<RegistryException>().WithMessage("v0001-* was deleted*; delete it again (digitforge models delete 1 --confirm) to finish removing *");

        registry.Delete([model.Number], actor: Bob).Should().ContainSingle().Which.Events.Count(e => e.Kind == RegistryEventKind.Deleted).Should().Be(1);
        Directory.Exists(model.Directory).Should().BeFalse();
    }

    private int RegisterNew(string seed)
    {
        var model = TestModels.Add(store, seed).Version;
        return registry.Register(model, TestModels.Metrics()).Version;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
