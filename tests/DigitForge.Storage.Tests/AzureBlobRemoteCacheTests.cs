using Azure.Storage.Blobs;
using DigitForge.Engine.Caching;
using DigitForge.Engine.Config;
using DigitForge.Storage;
using DigitForge.Tests.Azurite;

namespace DigitForge.Storage.Tests;

/// <summary>The Azure Blob remote cache against a real Blob endpoint (Azurite on loopback).</summary>
public sealed class AzureBlobRemoteCacheTests : IClassFixture<AzuriteFixture>, IDisposable
{
    private const string Fingerprint = "3fa2c1d0aa11bb22cc33dd44ee55ff660011223344556677889900aabbccddee";
    private readonly TempDirectory temp = new();
    private readonly AzuriteServer azurite;
    private readonly string container = "cache-" + Guid.NewGuid().ToString("N")[..12];

    public AzureBlobRemoteCacheTests(AzuriteFixture fixture) => azurite = fixture.Server;

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Pushed_folder_comes_back_byte_for_byte()
    {
        var remote = new AzureBlobRemoteCache(azurite.ConnectionString, container);
        var folder = Folder("a", ("out.txt", "hello"), ("sub/more.bin", "\u0001\u0002"));

        remote.Push(Fingerprint, folder);
        remote.TryPull(Fingerprint, temp.File("pulled")).Should().BeTrue();

        File.ReadAllText(temp.File("pulled/out.txt")).Should().Be("hello");
        File.ReadAllText(temp.File("pulled/sub/more.bin")).Should().Be("\u0001\u0002");
    }

    [Fact]
    public void A_fingerprint_the_remote_never_saw_is_a_miss_not_an_error()
    {
        var remote = new AzureBlobRemoteCache(azurite.ConnectionString, container);
        remote.Push(Fingerprint, Folder("a", ("out.txt", "x")));

        remote.TryPull(new string('0', 64), temp.File("pulled")).Should().BeFalse();
    }

    [Fact]
    public void A_damaged_remote_object_is_reported_as_such()
    {
        var remote = new AzureBlobRemoteCache(azurite.ConnectionString, container);
        remote.Push(Fingerprint, Folder("a", ("out.txt", "x")));
        new BlobContainerClient(azurite.ConnectionString, container).GetBlobClient($"stages/{Fingerprint}.zip").Upload(BinaryData.FromString("not a zip"), overwrite: true);

        var act = () => remote.TryPull(Fingerprint, temp.File("pulled"));

        act.Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void An_account_that_is_down_is_a_remote_cache_error_naming_it()
    {
        var remote = new AzureBlobRemoteCache(AzuriteServer.Unreachable, container);

        var act = () => remote.TryPull(Fingerprint, temp.File("pulled"));

        act.Should().Throw<RemoteCacheException>().WithMessage($"azure://{container} at http://127.0.0.1:*");
    }

    [Fact]
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

    [Fact]
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

    [Theory]
    [InlineData("azure://UPPER", "conn", "DIGITFORGE_REMOTE='azure://UPPER': expected azure://<container> with a container name of 3-63 lower-case letters, digits and hyphens")]
    [InlineData("azure://models", null, "DIGITFORGE_REMOTE='azure://models' needs the storage account's connection string in AZURE_STORAGE_CONNECTION_STRING")]
    [InlineData("azure://models", "no equals signs here", "AZURE_STORAGE_CONNECTION_STRING: the Azure Storage connection string is not valid*")]
    public void Bad_settings_are_config_errors_naming_the_variable(string remote, string? connectionString, string message)
    {
        var act = () => RemoteCacheSettings.Parse(remote, connectionString);

        act.Should().Throw<ConfigException>().WithMessage(message);
    }

    [Fact]
    public void A_path_or_file_url_is_a_folder_remote_and_nothing_is_no_remote()
    {
        RemoteCacheSettings.Parse("/srv/cache", null).Should().BeOfType<DirectoryRemoteCache>().Which.Directory.Should().Be("/srv/cache");
        RemoteCacheSettings.Parse("file:///srv/cache", null).Should().BeOfType<DirectoryRemoteCache>().Which.Directory.Should().Be("/srv/cache");
        RemoteCacheSettings.Parse("  ", null).Should().BeNull();
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

/// <summary>One Azurite for the whole class: it takes seconds to start.</summary>
public sealed class AzuriteFixture : IDisposable
{
    public AzuriteServer Server { get; } = new();

    public void Dispose() => Server.Dispose();
}
