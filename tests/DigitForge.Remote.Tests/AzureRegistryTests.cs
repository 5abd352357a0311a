using Azure.Storage.Blobs;
using DigitForge.Engine.Diagnostics;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Tests.Azurite;

namespace DigitForge.Remote.Tests;

/// <summary>The model registry on Azure Blob Storage (Azurite on loopback), used from separate working folders ("machines") and processes.</summary>
[Trait("Category", "EndToEnd")]
[Trait("Category", "Azurite")]
public sealed class AzureRegistryTests : IClassFixture<AzuriteFixture>, IClassFixture<PrerequisiteReport>, IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly AzuriteServer azurite;
    private readonly string address = $"azure://reg-{Guid.NewGuid().ToString("N")[..12]}/team";

    public AzureRegistryTests(AzuriteFixture fixture) => azurite = fixture.Server;

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public void A_version_published_on_one_machine_is_production_on_another_with_the_same_files()
    {
        var first = Open("machine-a");
        var published = RegistryWorker.Publish(first, "seed-1", Actor.CurrentVia("test"));
        first.Promote(published.Version, new GateDecision([]), force: true);

        var second = Open("machine-b");
        second.Production()!.Name.Should().Be(published.Name);
        var copy = second.Store.Get(published.Version);
        copy.Directory.Should().StartWith(temp.File("machine-b"));
        File.ReadAllText(copy.File(RegistryWorker.WeightsFile)).Should().Be("seed-1");
        second.Store.Verify(copy).Should().BeEmpty();
        second.FilePath.Should().Be($"{address}/mnist/registry.json");
        Directory.Exists(Path.Combine(temp.File("machine-a"), published.Name)).Should().BeFalse("the local registry's own folder is not written");
    }

    [SkippableFact]
    public void A_tampered_blob_is_refused_naming_it()
    {
        var first = Open("machine-a");
        var published = RegistryWorker.Publish(first, "seed-1", Actor.CurrentVia("test"));
        var (container, prefix) = Split();
        new BlobContainerClient(azurite.ConnectionString, container)
            .GetBlobClient($"{prefix}/mnist/versions/{published.Name}/{RegistryWorker.WeightsFile}")
            .Upload(BinaryData.FromString("tampered"), overwrite: true);

        var act = () => Open("machine-b").Store.Get(published.Version);

        act.Should().Throw<InvalidDataException>()
            .WithMessage($"{address}/mnist/versions/{published.Name}/{RegistryWorker.WeightsFile} does not match manifest.json*modified*");
        Directory.Exists(Path.Combine(temp.File("machine-b"), ".remote", container, "team", "mnist", published.Name)).Should().BeFalse("nothing unverified is kept");
    }

    [SkippableFact]
    public void Four_processes_on_two_machines_promoting_and_rolling_back_at_once_lose_no_update()
    {
        const int rounds = 4;
        var workers = Enumerable.Range(0, 4)
            .Select(i => ChildProcess.Worker(Environment(), "churn", temp.File(i % 2 == 0 ? "machine-a" : "machine-b"), $"worker{i}", $"{rounds}"))
            .ToList();
        try
        {
            foreach (var worker in workers)
            {
                worker.Wait(TimeSpan.FromMinutes(3)).Should().Be(0, string.Join(" | ", worker.Output));
            }

            var document = Open("machine-a").Document();
            document.Versions.Count(e => e.Stage == ModelStage.Production).Should().Be(1);
            document.Versions.Should().HaveCount(4 * rounds);
            var events = document.Versions.SelectMany(e => e.Events.Select(v => (Entry: e, Event: v))).ToList();
            events.Select(x => x.Event.Sequence).Order().Should().Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), "every change got the next number, none was overwritten");
            for (var i = 0; i < workers.Count; i++)
            {
                var mine = events.Where(x => x.Event.Actor.Via == $"worker{i}").ToList();
                mine.Count(x => x.Event.Kind == RegistryEventKind.Registered).Should().Be(rounds);
                mine.Count(x => x.Event.Kind == RegistryEventKind.Promoted).Should().Be(rounds);
                mine.Count(x => x.Event.Kind == RegistryEventKind.RolledBack && x.Event.To == x.Entry.Version)
                    .Should().Be(workers[i].Output.Count(line => line.StartsWith("rolled back", StringComparison.Ordinal)), "each rollback a worker made is in the log");
            }
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }

    [SkippableTheory]
    [InlineData("registry.reserved")]
    [InlineData("registry.file")]
    [InlineData("registry.uploaded")]
    public void An_upload_killed_midway_publishes_nothing_and_the_next_promotion_completes(string point)
    {
        var registry = Open("machine-a");
        var before = RegistryWorker.Publish(registry, "seed-0", Actor.CurrentVia("test"));
        registry.Promote(before.Version, new GateDecision([]), force: true);

        using (var killed = ChildProcess.Worker(Environment((FaultPoints.Variable, $"{point}=kill")), "publish", temp.File("machine-b"), "killed", "1"))
        {
            killed.Wait(TimeSpan.FromMinutes(1)).Should().NotBe(0, "the fault point kills it");
        }

        var reader = Open("machine-c");
        reader.List().Select(e => e.Name).Should().Equal(before.Name);
        reader.Production()!.Name.Should().Be(before.Name);

        using (var next = ChildProcess.Worker(Environment(), "publish", temp.File("machine-b"), "killed", "1"))
        {
            next.Wait(TimeSpan.FromMinutes(1)).Should().Be(0, string.Join(" | ", next.Output));
        }

        var production = reader.Production()!;
        // Number 2 went to the killed upload: a new upload takes 3; an upload killed after its manifest is complete and is published as it is.
        production.Version.Should().Be(point == FaultPoints.RegistryUploaded.Name ? 2 : 3);
        reader.Store.Verify(reader.Store.Get(production.Version)).Should().BeEmpty();

        var store = (AzureVersionStore)reader.Store;
        var removed = store.CollectGarbage(reader.Document(), TimeSpan.Zero);
        store.Uploaded().Should().BeEquivalentTo(reader.List().Select(e => e.Name), "gc leaves exactly the registered versions");
        removed.Select(name => name[..6]).Should().Equal(point == FaultPoints.RegistryFile.Name ? ["v0002-"] : [], "only a killed upload's partial files are orphans");
        reader.Store.Get(production.Version).Should().NotBeNull();
    }

    [SkippableFact]
    public void An_unreachable_registry_is_a_clear_error_naming_its_endpoint_and_nothing_local_changes()
    {
        var unreachable = AzuriteServer.Unreachable;
        var endpoint = unreachable.Split(';').Single(p => p.StartsWith("BlobEndpoint=", StringComparison.Ordinal))["BlobEndpoint=".Length..];
        var local = new ModelRegistry(new Registry.Store.ModelStore(temp.File("local")));
        RegistryWorker.Publish(local, "local-seed", Actor.CurrentVia("test"));
        var before = File.ReadAllBytes(local.FilePath);

        var act = () => RegistrySettings.Open(temp.File("local"), "mnist", address, unreachable).Production();

        act.Should().Throw<RegistryUnavailableException>()
            .WithMessage($"the model registry {address}/mnist/ is unreachable at {new Uri(endpoint).GetLeftPart(UriPartial.Authority)} (*); nothing was changed*");
        File.ReadAllBytes(local.FilePath).Should().Equal(before);

        using var worker = ChildProcess.Worker(Environment(("AZURE_STORAGE_CONNECTION_STRING", unreachable)), "publish", temp.File("local"), "w", "1");
        worker.Wait(TimeSpan.FromMinutes(1)).Should().Be(8, "the worker maps it to the CLI's exit code for an unreachable remote");
    }

    private ModelRegistry Open(string machine) => RegistrySettings.Open(temp.File(machine), "mnist", address, azurite.ConnectionString);

    private (string Container, string Prefix) Split()
    {
        var path = address["azure://".Length..];
        return (path[..path.IndexOf('/', StringComparison.Ordinal)], path[(path.IndexOf('/', StringComparison.Ordinal) + 1)..]);
    }

    private Dictionary<string, string?> Environment(params (string Key, string? Value)[] overrides)
    {
        var environment = new Dictionary<string, string?>
        {
            [RegistrySettings.RegistryVariable] = address,
            [RemoteCacheSettings.ConnectionStringVariable] = azurite.ConnectionString,
            [FaultPoints.Variable] = null,
        };
        foreach (var (key, value) in overrides)
        {
            environment[key] = value;
        }

        return environment;
    }
}
