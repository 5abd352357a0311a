using DigitForge.Engine.Config;
using DigitForge.Registry;

namespace DigitForge.Remote.Tests;

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
    public void A_remote_without_a_connection_string_or_account_url_is_refused_naming_both_variables()
    {
        var act = () => RegistrySettings.Open(temp.File("models"), "mnist", "azure://models", null);

        act.Should().Throw<ConfigException>().WithMessage("*needs the storage account: its connection string in AZURE_STORAGE_CONNECTION_STRING, or its URL in AZURE_STORAGE_ACCOUNT_URL*");
    }

    [Fact]
    public void An_account_url_without_a_connection_string_signs_in_with_azure_identity_at_that_endpoint()
    {
        var remote = RegistrySettings.Remote(temp.File("models"), "mnist", "azure://models/team", null, "https://acme.blob.core.windows.net/")!;

        remote.Endpoint.Should().Be("https://acme.blob.core.windows.net");
        remote.Open().FilePath.Should().Be("azure://models/team/mnist/registry.json");
    }

    [Theory]
    [InlineData("http://acme.blob.core.windows.net")]
    [InlineData("https://acme.blob.core.windows.net/models")]
    [InlineData("acme")]
    public void A_bad_account_url_is_refused_naming_the_variable(string url)
    {
        var act = () => RegistrySettings.Open(temp.File("models"), "mnist", "azure://models", null, url);

        act.Should().Throw<ConfigException>().WithMessage($"AZURE_STORAGE_ACCOUNT_URL='{url}': expected the account's blob endpoint*");
    }

    [Fact]
    public void Locating_a_local_registry_names_the_document_opening_it_would_use_without_creating_anything()
    {
        foreach (var setting in new[] { null, temp.File("shared") })
        {
            var location = RegistrySettings.Locate(temp.File("models"), "mnist", setting, null);

            location.Address.Should().Be(RegistrySettings.Open(temp.File("models"), "mnist", setting, null).FilePath);
            location.LocalFile.Should().Be(location.Address);
        }

        Directory.Exists(temp.File("models")).Should().BeFalse();
        Directory.Exists(temp.File("shared")).Should().BeFalse();
    }

    [Fact]
    public void Locating_a_remote_registry_names_its_address_and_account_so_another_account_is_another_registry()
    {
        var location = RegistrySettings.Locate(temp.File("models"), "mnist", "azure://models/team/a", ConnectionString);
        var elsewhere = RegistrySettings.Locate(temp.File("models"), "mnist", "azure://models/team/a", null, "https://acme.blob.core.windows.net");

        location.Should().Be(new RegistryLocation("azure://models/team/a/mnist/ at http://127.0.0.1:1", null));
        elsewhere.Address.Should().Be("azure://models/team/a/mnist/ at https://acme.blob.core.windows.net");
    }

    [Fact]
    public void Locating_with_settings_opening_would_refuse_says_so_instead_of_throwing()
    {
        RegistrySettings.Locate(temp.File("models"), "mnist", "azure://UPPER", ConnectionString).Address
            .Should().StartWith("unusable: DIGITFORGE_REGISTRY='azure://UPPER'");
        RegistrySettings.Locate(temp.File("models"), "mnist", "azure://models", null).Address
            .Should().Contain("needs the storage account");
    }

    [Fact]
    public void A_promotion_is_missing_when_the_local_registry_document_is_gone_and_never_asked_of_a_remote_one()
    {
        var local = new RegistryTarget(() => RegistrySettings.Locate(temp.File("models"), "mnist", null, null), () => throw new InvalidOperationException("not opened"));
        var remote = new RegistryTarget(() => RegistrySettings.Locate(temp.File("models"), "mnist", "azure://models", ConnectionString), () => throw new InvalidOperationException("not opened"));

        local.MissingPromotion().Should().Be($"the registry it promoted into is gone ({Path.Combine(temp.File("models"), "registry.json")})");
        local.Facts().Should().Equal(new Dictionary<string, string> { ["registry"] = Path.Combine(temp.File("models"), "registry.json") });
        Directory.CreateDirectory(temp.File("models"));
        File.WriteAllText(Path.Combine(temp.File("models"), "registry.json"), "{}");
        local.MissingPromotion().Should().BeNull();
        remote.MissingPromotion().Should().BeNull();
    }
}
