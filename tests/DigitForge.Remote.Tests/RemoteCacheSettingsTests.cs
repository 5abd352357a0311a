using DigitForge.Engine.Caching;
using DigitForge.Engine.Config;
using DigitForge.Tests.Azurite;

namespace DigitForge.Remote.Tests;

/// <summary>The remote settings from the environment, and an Azure account that is down: no emulator needed.</summary>
[Trait("Category", "Unit")]
public sealed class RemoteCacheSettingsTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void An_account_that_is_down_is_a_remote_cache_error_naming_it()
    {
        var remote = new AzureBlobRemoteCache(AzuriteServer.Unreachable, "cache-down");

        var act = () => remote.TryPull(new string('a', 64), temp.File("pulled"));

        act.Should().Throw<RemoteCacheException>().WithMessage("azure://cache-down at http://127.0.0.1:*");
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
}
