using DigitForge.Engine.Config;

namespace DigitForge.Storage.Tests;

[Trait("Category", "Unit")]
public sealed class RegistrySettingsTests : IDisposable
{
    private const string ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;";
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Unset_is_the_local_registry_in_the_models_folder_as_before()
    {
        var registry = RegistrySettings.Open(temp.File("models"), "mnist", null, null);

        registry.IsRemote.Should().BeFalse();
        registry.FilePath.Should().Be(Path.Combine(temp.File("models"), "registry.json"));
    }

    [Fact]
    public void A_folder_is_a_local_registry_there_per_pipeline()
    {
        RegistrySettings.Open(temp.File("models"), "hn", temp.File("shared"), null).FilePath
            .Should().Be(Path.Combine(temp.File("shared"), "hn", "registry.json"));
    }

    [Fact]
    public void An_azure_address_is_the_remote_registry_under_its_prefix_and_pipeline_cached_locally()
    {
        var remote = RegistrySettings.Remote(temp.File("models"), "mnist", "azure://models/team/a", ConnectionString)!;

        remote.Open().FilePath.Should().Be("azure://models/team/a/mnist/registry.json");
        remote.Versions.CacheRoot.Should().Be(Path.Combine(temp.File("models"), ".remote", "models", "team", "a", "mnist"));
        remote.Endpoint.Should().Be("http://127.0.0.1:1");
    }

    [Theory]
    [InlineData("azure://UPPER", "container name")]
    [InlineData("azure://ab", "container name")]
    [InlineData("azure://models/../x", "prefix")]
    [InlineData("azure://models/a b", "prefix")]
    public void A_bad_address_is_refused_naming_the_variable(string address, string problem)
    {
        var act = () => RegistrySettings.Open(temp.File("models"), "mnist", address, ConnectionString);

        act.Should().Throw<ConfigException>().WithMessage($"DIGITFORGE_REGISTRY='{address}'*{problem}*");
    }

    [Fact]
    public void A_remote_without_a_connection_string_is_refused_naming_the_variable()
    {
        var act = () => RegistrySettings.Open(temp.File("models"), "mnist", "azure://models", null);

        act.Should().Throw<ConfigException>().WithMessage("*needs the storage account's connection string in AZURE_STORAGE_CONNECTION_STRING");
    }
}
