using DigitForge.Engine.Storage;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using Newtonsoft.Json.Linq;

namespace DigitForge.Registry.Tests;

[Trait("Category", "Unit")]
public sealed class ModelRegistryTests : IDisposable
{
    private static readonly Actor Alice = new("alice", "build-01");
    private static readonly GateDecision Pass = QualityGate.Decide(TestModels.Metrics(), production: null, new GateConfig(), TestModels.Digits);
    private static readonly GateDecision Fail = QualityGate.Decide(TestModels.Metrics(0.5), production: null, new GateConfig(), TestModels.Digits);

    private readonly TempDirectory temp = new();
    private readonly ModelStore store;
    private readonly ModelRegistry registry;

    public ModelRegistryTests()
    {
        store = new ModelStore(temp.File("models"));
        registry = new ModelRegistry(store);
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Registered_version_is_a_candidate_with_hash_metrics_and_a_registered_event()
    {
        var model = TestModels.Add(store, "a").Version;

        var entry = registry.Register(model, TestModels.Metrics(), Alice);

        entry.Stage.Should().Be(ModelStage.Candidate);
        entry.Name.Should().Be(model.Name);
        entry.ContentHash.Should().Be(TestModels.HashOf("a"));
        entry.CreatedAt.Should().Be(store.ReadManifest(model).CreatedAt);
        entry.Metrics.Should().Be(TestModels.Metrics());
        entry.Events.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Kind = RegistryEventKind.Registered, Actor = Alice });
        registry.List().Should().ContainSingle().Which.Should().BeEquivalentTo(entry);
        registry.FilePath.Should().Be(Path.Combine(store.Root, "registry.json"));
    }

    [Fact]
    public void A_version_of_another_store_cannot_be_registered()
    {
        TestModels.Add(store, "a");
        var foreign = TestModels.Add(new ModelStore(temp.File("elsewhere")), "b").Version;

        var act = () => registry.Register(foreign, TestModels.Metrics());

        act.Should().Throw<RegistryException>().WithMessage($"{foreign.Name} is not a version of the store {store.Root}");
    }

    [Fact]
    public void Registering_the_same_version_again_changes_nothing()
    {
        var model = TestModels.Add(store, "a").Version;
        registry.Register(model, TestModels.Metrics());

        registry.Register(model, TestModels.Metrics(0.5)).Metrics.Accuracy.Should().Be(0.99);

        registry.List().Should().ContainSingle().Which.Events.Should().ContainSingle();
    }

    [Fact]
    public void Promoting_archives_the_previous_production_and_logs_both_in_order()
    {
        var first = RegisterNew("a");
        var second = RegisterNew("b");
        registry.Promote(first, Pass, actor: Alice);

        registry.Promote(second, Pass, actor: Alice);

        registry.Production()!.Version.Should().Be(second);
        var old = registry.Get(first);
        old.Stage.Should().Be(ModelStage.Archived);
        old.Events.Select(e => e.Kind).Should().Equal(RegistryEventKind.Registered, RegistryEventKind.Promoted, RegistryEventKind.Archived);
        old.Events[^1].To.Should().Be(second);
        var promoted = registry.Get(second).Events[^1];
        promoted.Should().BeEquivalentTo(new { Kind = RegistryEventKind.Promoted, Decision = GateOutcome.Promote, Forced = false, From = first, Actor = Alice });
        promoted.Reasons.Should().Equal(Pass.Reasons);
        promoted.Sequence.Should().Be(old.Events[^1].Sequence + 1, "the old production is archived just before the new one is promoted");
        AllEvents().Select(e => e.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void A_reject_decision_is_refused_without_force_and_nothing_changes()
    {
        var version = RegisterNew("a");
        var before = File.ReadAllBytes(registry.FilePath);

        var act = () => registry.Promote(version, Fail);

        act.Should().Throw<RegistryException>().WithMessage("the quality gate rejected v0001-*: accuracy 50.00 % is below the minimum 98.00 %; promote with force to override");
        File.ReadAllBytes(registry.FilePath).Should().Equal(before);
    }

    [Fact]
    public void Forced_promotion_over_a_reject_decision_records_the_override_and_who_did_it()
    {
        var version = RegisterNew("a");

        registry.Promote(version, Fail, force: true, actor: Alice);

        var promoted = registry.Get(version).Events[^1];
        promoted.Should().BeEquivalentTo(new { Kind = RegistryEventKind.Promoted, Decision = GateOutcome.Reject, Forced = true, Actor = Alice });
        promoted.Reasons.Should().Contain("accuracy 50.00 % is below the minimum 98.00 %");
        registry.Production()!.Version.Should().Be(version);
    }

    [Fact]
    public void Default_actor_is_the_current_user_and_host()
    {
        var version = RegisterNew("a");

        registry.Promote(version, Pass).Events[^1].Actor.Should().Be(new Actor(Environment.UserName, Environment.MachineName));
    }

    [Fact]
    public void The_command_that_made_a_change_is_recorded_and_read_back()
    {
        var version = RegisterNew("a");

        registry.Promote(version, Fail, force: true, actor: Alice with { Via = "models promote --force" });

        var actor = new ModelRegistry(store).Get(version).Events[^1].Actor;
        actor.Should().Be(Alice with { Via = "models promote --force" });
        actor.ToString().Should().Be("alice@build-01 via models promote --force");
        File.ReadAllText(registry.FilePath).Should().Contain("\"via\": \"models promote --force\"");
    }

    [Fact]
    public void Rejected_candidate_records_the_reasons_and_can_only_be_promoted_with_force()
    {
        var version = RegisterNew("a");

        registry.Reject(version, Fail.Failures, Alice);

        var entry = registry.Get(version);
        entry.Stage.Should().Be(ModelStage.Rejected);
        entry.Events[^1].Should().BeEquivalentTo(new { Kind = RegistryEventKind.Rejected, Reasons = Fail.Failures });
        var act = () => registry.Promote(version, Pass);
        act.Should().Throw<RegistryException>().WithMessage("*was rejected; promote with force to override");
        registry.Promote(version, Pass, force: true).Events[^1].Forced.Should().BeTrue();
    }

    [Fact]
    public void Only_candidates_can_be_rejected()
    {
        var version = RegisterNew("a");
        registry.Promote(version, Pass);

        var act = () => registry.Reject(version, ["late"]);

        act.Should().Throw<RegistryException>().WithMessage("v0001-* is production; only a candidate can be rejected");
    }

    [Fact]
    public void Rollback_returns_to_the_previous_production_and_logs_from_and_to_on_both()
    {
        var first = RegisterNew("a");
        var second = RegisterNew("b");
        registry.Promote(first, Pass);
        registry.Promote(second, Pass);

        var restored = registry.Rollback(actor: Alice);

        restored.Version.Should().Be(first);
        registry.Production()!.Version.Should().Be(first);
        registry.Get(second).Stage.Should().Be(ModelStage.Archived);
        foreach (var version in new[] { second, first })
        {
            registry.Get(version).Events[^1].Should().BeEquivalentTo(new { Kind = RegistryEventKind.RolledBack, From = second, To = first, Actor = Alice });
        }

        registry.Get(first).Events.Select(e => e.Kind).Should().Equal(
            RegistryEventKind.Registered, RegistryEventKind.Promoted, RegistryEventKind.Archived, RegistryEventKind.RolledBack);
    }

    [Fact]
    public void Repeated_rollback_walks_further_back_instead_of_returning_to_the_version_rolled_back_from()
    {
        var versions = new[] { RegisterNew("a"), RegisterNew("b"), RegisterNew("c") };
        foreach (var version in versions)
        {
            registry.Promote(version, Pass);
        }

        registry.Rollback().Version.Should().Be(versions[1]);
        registry.Rollback().Version.Should().Be(versions[0]);

        var act = () => registry.Rollback();
        act.Should().Throw<RegistryException>().WithMessage("*no earlier production version to roll back to from v0001-*");
    }

    [Fact]
    public void Rollback_to_a_named_version()
    {
        var versions = new[] { RegisterNew("a"), RegisterNew("b"), RegisterNew("c") };
        foreach (var version in versions)
        {
            registry.Promote(version, Pass);
        }

        registry.Rollback(to: versions[0]).Version.Should().Be(versions[0]);

        registry.Get(versions[2]).Events[^1].Should().BeEquivalentTo(new { Kind = RegistryEventKind.RolledBack, From = versions[2], To = versions[0] });
        registry.Get(versions[1]).Stage.Should().Be(ModelStage.Archived);
    }

    [Fact]
    public void Rollback_refuses_versions_that_never_were_production()
    {
        var first = RegisterNew("a");
        var candidate = RegisterNew("b");

        var withoutProduction = () => registry.Rollback();
        withoutProduction.Should().Throw<RegistryException>().WithMessage("*there is no production version to roll back");

        registry.Promote(first, Pass);
        var toCandidate = () => registry.Rollback(to: candidate);
        toCandidate.Should().Throw<RegistryException>().WithMessage("v0002-* has never been production; promote it through the quality gate instead");
        var toCurrent = () => registry.Rollback(to: first);
        toCurrent.Should().Throw<RegistryException>().WithMessage("v0001-* is already production");
    }

    [Fact]
    public void Rollback_refuses_a_target_whose_files_were_tampered_with()
    {
        var first = RegisterNew("a");
        registry.Promote(first, Pass);
        registry.Promote(RegisterNew("b"), Pass);
        File.WriteAllText(store.Get(first).File(TestModels.WeightsFile), "tampered");

        var act = () => registry.Rollback();

        act.Should().Throw<InvalidDataException>().WithMessage("*weights.bin modified*");
        registry.Production()!.Version.Should().Be(2);
    }

    [Fact]
    public void Promoting_a_tampered_model_is_refused_naming_the_file()
    {
        var version = RegisterNew("a");
        File.Delete(store.Get(version).File(TestModels.WeightsFile));

        var act = () => registry.Promote(version, Pass);

        act.Should().Throw<InvalidDataException>().WithMessage("*weights.bin missing*");
    }

    [Fact]
    public void Unknown_version_lists_the_known_ones()
    {
        RegisterNew("a");
        RegisterNew("b");
        var names = string.Join(", ", registry.List().Select(e => e.Name));

        var act = () => registry.Promote(7, Pass);

        act.Should().Throw<RegistryException>().WithMessage($"{registry.FilePath}: version 7 is not registered; known versions: {names}");
        var onEmpty = () => new ModelRegistry(new ModelStore(temp.File("empty"))).Get(1);
        onEmpty.Should().Throw<RegistryException>().WithMessage("*version 1 is not registered; no versions are registered yet");
    }

    [Fact]
    public void A_change_waits_for_the_registry_lock_then_gives_up_naming_it()
    {
        var version = RegisterNew("a");
        var impatient = new ModelRegistry(store, lockTimeout: TimeSpan.FromSeconds(1));
        using (BuildLock.Acquire(Path.Combine(store.Root, ".registry.json.lock"), TimeSpan.FromSeconds(1), _ => { }))
        {
            var act = () => impatient.Promote(version, Pass);

            act.Should().Throw<RegistryException>()
                .WithMessage($"{registry.FilePath}: another process still holds the lock in {store.Root}/.registry.json.lock after 1 s");
        }

        impatient.Promote(version, Pass).Stage.Should().Be(ModelStage.Production);
    }

    [Fact]
    public void Lineage_is_the_manifest_with_the_callers_details()
    {
        var version = RegisterNew("a");

        var lineage = registry.Lineage(version);

        lineage.Version.Should().Be(version);
        lineage.Details["seed"]!.Value<string>().Should().Be("a");
    }

    [Fact]
    public void Every_write_keeps_an_identical_backup_and_no_temporary_files()
    {
        registry.Promote(RegisterNew("a"), Pass);

        File.ReadAllBytes(registry.BackupPath).Should().Equal(File.ReadAllBytes(registry.FilePath));
        Directory.GetFiles(store.Root, "*.tmp").Should().BeEmpty();
    }

    [Fact]
    public void Registry_file_is_camel_case_json_with_stage_names_and_events()
    {
        registry.Promote(RegisterNew("a"), Pass, actor: Alice);

        var json = JObject.Parse(File.ReadAllText(registry.FilePath));

        json["schema"]!.Value<int>().Should().Be(1);
        var entry = json["versions"]![0]!;
        entry["stage"]!.Value<string>().Should().Be("production");
        entry["metrics"]!["lowestRecall"]!.Value<double>().Should().Be(0.97);
        entry["events"]![0]!["kind"]!.Value<string>().Should().Be("registered");
        entry["events"]![0]!["decision"].Should().BeNull("fields an event does not use are left out");
        entry["events"]![1]!["decision"]!.Value<string>().Should().Be("promote");
        entry["events"]![1]!["actor"]!["user"]!.Value<string>().Should().Be("alice");
    }

    private int RegisterNew(string seed)
    {
        var model = TestModels.Add(store, seed).Version;
        return registry.Register(model, TestModels.Metrics()).Version;
    }

    private IEnumerable<RegistryEvent> AllEvents() => registry.List().SelectMany(e => e.Events).OrderBy(e => e.At).ThenBy(e => e.Sequence);
}
