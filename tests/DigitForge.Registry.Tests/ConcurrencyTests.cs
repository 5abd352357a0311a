using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;

namespace DigitForge.Registry.Tests;

/// <summary>Several real processes at once against one registry, some of them killed with SIGKILL.</summary>
[Trait("Category", "EndToEnd")]
public sealed class ConcurrencyTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory temp = new();
    private readonly ModelStore store;
    private readonly ModelRegistry registry;

    public ConcurrencyTests()
    {
        store = new ModelStore(temp.File("models"));
        registry = new ModelRegistry(store);
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Processes_registering_and_promoting_at_once_lose_no_update()
    {
        const int Workers = 4;
        const int Rounds = 8;
        var workers = Enumerable.Range(0, Workers).Select(i => WorkerProcess.Start(store.Root, $"w{i}", Rounds)).ToList();
        try
        {
            workers.ForEach(w => w.WaitForSuccess(Timeout));
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }

        var entries = registry.List();
        entries.Select(e => e.Version).Should().Equal(Enumerable.Range(1, Workers * Rounds), "every version is stored and registered once");
        entries.Select(e => e.ContentHash).Should().OnlyHaveUniqueItems();
        entries.Count(e => e.Stage == ModelStage.Production).Should().Be(1);
        entries.Count(e => e.Stage == ModelStage.Archived).Should().Be(Workers * Rounds - 1);
        entries.SelectMany(e => e.Events).Select(e => e.Sequence).Should().OnlyHaveUniqueItems()
            .And.HaveCount(Workers * Rounds * 3 - 1, "each version is registered, promoted and (but the last) archived");
        entries.Should().OnlyContain(e => store.Verify(store.Get(e.Version)).Count == 0);
    }

    [Fact]
    public void A_process_killed_mid_loop_leaves_a_valid_registry_and_its_lock_free()
    {
        using var survivor = WorkerProcess.Start(store.Root, "survivor", rounds: 8);
        var finished = new List<string>();
        var jitter = new Random(7);
        foreach (var rounds in new[] { 1, 2, 4 })
        {
            using var victim = WorkerProcess.Start(store.Root, $"victim{rounds}", rounds: 1000);
            victim.WaitForRounds(rounds, Timeout);
            Thread.Sleep(jitter.Next(25)); // somewhere inside the next round's writes
            victim.KillHard();
            finished.AddRange(victim.Finished);

            registry.List().Count(e => e.Stage == ModelStage.Production).Should().BeLessThanOrEqualTo(1);
        }

        survivor.WaitForSuccess(Timeout);
        finished.AddRange(survivor.Finished);

        var entries = registry.List();
        entries.Select(e => e.Name).Should().Contain(finished, "every round a worker finished is in the registry");
        entries.Count(e => e.Stage == ModelStage.Production).Should().Be(1);
        entries.Should().OnlyContain(e => store.Verify(store.Get(e.Version)).Count == 0);

        // The store and registry still take changes: the killed processes' locks died with them.
        var model = TestModels.Add(store, "after").Version;
        registry.Register(model, TestModels.Metrics());
        registry.Promote(model.Number, QualityGate.Decide(TestModels.Metrics(), registry.Production()!.Metrics, new GateConfig(), TestModels.Digits));
        registry.Production()!.Version.Should().Be(model.Number);
        Directory.GetDirectories(Path.Combine(store.Root, ".staging")).Should().BeEmpty("the next add cleans what killed writes left");
    }
}
