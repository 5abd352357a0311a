using Azure.Storage.Blobs;
using DigitForge.Engine.Caching;
using DigitForge.Monitoring.Feedback;
using DigitForge.Remote;
using DigitForge.Tests.Azurite;

namespace DigitForge.Remote.Tests;

/// <summary>The Azure Blob remote cache against a real Blob endpoint (Azurite on loopback).</summary>
[Trait("Category", "EndToEnd")]
[Trait("Category", "Azurite")]
public sealed class AzureBlobRemoteCacheTests : IClassFixture<AzuriteFixture>, IClassFixture<PrerequisiteReport>, IDisposable
{
    private const string Fingerprint = "3fa2c1d0aa11bb22cc33dd44ee55ff660011223344556677889900aabbccddee";
    private readonly TempDirectory temp = new();
    private readonly AzuriteServer azurite;
    private readonly string container = "cache-" + Guid.NewGuid().ToString("N")[..12];

    // Skips every test here when Azurite cannot be had (see AzuriteServer).
    public AzureBlobRemoteCacheTests(AzuriteFixture fixture) => azurite = fixture.Server;

    public void Dispose() => temp.Dispose();

    [SkippableFact]
    public void Pushed_folder_comes_back_byte_for_byte()
    {
        var remote = new AzureBlobRemoteCache(azurite.ConnectionString, container);
        var folder = Folder("a", ("out.txt", "hello"), ("sub/more.bin", "\u0001\u0002"));

        remote.Push(Fingerprint, folder);
        remote.TryPull(Fingerprint, temp.File("pulled")).Should().BeTrue();

        File.ReadAllText(temp.File("pulled/out.txt")).Should().Be("hello");
        File.ReadAllText(temp.File("pulled/sub/more.bin")).Should().Be("\u0001\u0002");
    }

    [SkippableFact]
    public void A_document_is_replaced_whole_and_listed_by_its_prefix_even_before_the_container_exists() =>
        RemoteDocuments.AreReplacedWholeAndListedByPrefix(new AzureBlobRemoteCache(azurite.ConnectionString, container));

    [SkippableFact]
    public void A_fingerprint_the_remote_never_saw_is_a_miss_not_an_error()
    {
        var remote = new AzureBlobRemoteCache(azurite.ConnectionString, container);
        remote.Push(Fingerprint, Folder("a", ("out.txt", "x")));

        remote.TryPull(new string('0', 64), temp.File("pulled")).Should().BeFalse();
    }

    [SkippableFact]
    public void A_damaged_remote_object_is_reported_as_such()
    {
        var remote = new AzureBlobRemoteCache(azurite.ConnectionString, container);
        remote.Push(Fingerprint, Folder("a", ("out.txt", "x")));
        new BlobContainerClient(azurite.ConnectionString, container).GetBlobClient($"stages/{Fingerprint}.zip").Upload(BinaryData.FromString("not a zip"), overwrite: true);

        var act = () => remote.TryPull(Fingerprint, temp.File("pulled"));

        act.Should().Throw<InvalidDataException>();
    }

    [SkippableFact]
    public void Two_builders_pushing_the_same_fingerprint_at_once_leave_one_whole_entry()
    {
        var first = Folder("first", [.. Enumerable.Range(0, 20).Select(i => ($"f{i}.txt", new string('1', 50_000)))]);
        var second = Folder("second", [.. Enumerable.Range(0, 20).Select(i => ($"f{i}.txt", new string('2', 50_000)))]);

        Parallel.For(0, 8, i => new AzureBlobRemoteCache(azurite.ConnectionString, container).Push(Fingerprint, i % 2 == 0 ? first : second));

        new AzureBlobRemoteCache(azurite.ConnectionString, container).TryPull(Fingerprint, temp.File("pulled")).Should().BeTrue();
        var contents = Directory.EnumerateFiles(temp.File("pulled")).Select(File.ReadAllText).Distinct().ToList();
        contents.Should().ContainSingle("every file of the entry comes from the same push").Which.Should().BeOneOf(new string('1', 50_000), new string('2', 50_000));
        Directory.EnumerateFiles(temp.File("pulled")).Should().HaveCount(20);
    }

    [SkippableFact]
    public void The_stage_cache_pulls_a_missing_entry_from_the_account_and_verifies_it()
    {
        var builder = new StageCache(temp.File("builder-cache"), new AzureBlobRemoteCache(azurite.ConnectionString, container));
        var committed = Folder("committed", ("out.txt", "abc"));
        var record = new Engine.Records.StageRecord { Stage = "Repeat", Fingerprint = Fingerprint, Outputs = Engine.Records.StageStore.HashOutputs(committed) };
        Engine.Storage.JsonFile.Write(Path.Combine(committed, Engine.Records.StageStore.RecordFileName), record);
        builder.Store(committed, record, warning => throw new InvalidOperationException(warning));

        var other = new StageCache(temp.File("other-cache"), new AzureBlobRemoteCache(azurite.ConnectionString, container));
        var restored = other.TryRestore("Repeat", Fingerprint, Directory.CreateDirectory(temp.File("restored")).FullName, warning => throw new InvalidOperationException(warning));

        restored.Should().NotBeNull();
        File.ReadAllText(temp.File("restored/out.txt")).Should().Be("abc");
    }

    [SkippableFact]
    public void A_feedback_snapshot_pushed_from_a_runner_is_pulled_verified_on_another_machine()
    {
        var manifest = FeedbackSnapshots.Write(temp.File("runner"), "mnist", new FeedbackContent(
            folder => File.WriteAllText(Path.Combine(folder, "data.txt"), "abc"), 3, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, new Dictionary<string, int>()));

        FeedbackRemote.Push(new AzureBlobRemoteCache(azurite.ConnectionString, container), temp.File("runner"), "mnist", manifest.Id);
        var (snapshot, pulled) = FeedbackRemote.Fetch(new AzureBlobRemoteCache(azurite.ConnectionString, container), temp.File("laptop"), "mnist", manifest.Id);

        pulled.Should().BeTrue();
        snapshot.Manifest.Should().BeEquivalentTo(manifest);
        File.ReadAllText(snapshot.File("data.txt")).Should().Be("abc");
        new BlobContainerClient(azurite.ConnectionString, container).GetBlobClient($"stages/feedback-mnist-{manifest.Id}.zip").Exists().Value.Should().BeTrue();
    }

    private string Folder(string name, params (string Path, string Text)[] files)
    {
        var folder = temp.File(name);
        foreach (var (path, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, path))!);
            File.WriteAllText(Path.Combine(folder, path), text);
        }

        return folder;
    }
}

/// <summary>
/// One Azurite for the whole class: it takes seconds to start. Started by the first test, so that a
/// skip (<see cref="SkipException"/>: Node.js or the npm registry missing) is each test's own.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    private readonly Lazy<AzuriteServer> server = new(() => new AzuriteServer());

    public AzuriteServer Server => server.Value;

    public void Dispose()
    {
        if (server.IsValueCreated)
        {
            server.Value.Dispose();
        }
    }
}
