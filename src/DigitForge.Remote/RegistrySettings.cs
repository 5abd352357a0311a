using Azure.Identity;
using DigitForge.Engine.Config;
using DigitForge.Registry;
using DigitForge.Registry.Store;

namespace DigitForge.Remote;

/// <summary>
/// Which model registry a pipeline uses, from the environment: <c>DIGITFORGE_REGISTRY</c> unset is the local
/// folder <c>artifacts/&lt;pipeline&gt;/models</c> (unchanged); a folder path is a local registry there; and
/// <c>azure://&lt;container&gt;[/prefix]</c> is the remote registry in that container, under
/// <c>&lt;prefix&gt;/&lt;pipeline&gt;/</c>, with the account in <c>AZURE_STORAGE_CONNECTION_STRING</c>. A remote
/// registry keeps its downloaded versions in <c>&lt;models&gt;/.remote/&lt;container&gt;/&lt;prefix&gt;/&lt;pipeline&gt;/</c>.
/// Without a connection string, <c>AZURE_STORAGE_ACCOUNT_URL</c> (<c>https://&lt;account&gt;.blob.core.windows.net</c>)
/// names the account and Azure.Identity's <see cref="DefaultAzureCredential"/> signs in: a managed identity,
/// OIDC federated credentials (<c>AZURE_CLIENT_ID</c>, <c>AZURE_TENANT_ID</c>, <c>AZURE_FEDERATED_TOKEN_FILE</c>) or <c>az login</c>.
/// </summary>
public static class RegistrySettings
{
    public const string RegistryVariable = "DIGITFORGE_REGISTRY";
    public const string AccountUrlVariable = "AZURE_STORAGE_ACCOUNT_URL";
    private const string AzureScheme = "azure://";

    /// <summary>The pipeline's registry as the environment configures it.</summary>
    public static ModelRegistry Open(string modelsRoot, string pipeline) => Open(
        modelsRoot,
        pipeline,
        Environment.GetEnvironmentVariable(RegistryVariable),
        Environment.GetEnvironmentVariable(RemoteCacheSettings.ConnectionStringVariable),
        Environment.GetEnvironmentVariable(AccountUrlVariable));

    public static ModelRegistry Open(string modelsRoot, string pipeline, string? registry, string? connectionString, string? accountUrl = null) =>
        Remote(modelsRoot, pipeline, registry, connectionString, accountUrl)?.Open()
        ?? new ModelRegistry(new ModelStore(LocalRoot(modelsRoot, pipeline, registry)));

    /// <summary>The registry a pipeline's Promote stage promotes into, as the environment configures it.</summary>
    public static RegistryTarget Target(string modelsRoot, string pipeline) => new(
        () => Locate(
            modelsRoot,
            pipeline,
            Environment.GetEnvironmentVariable(RegistryVariable),
            Environment.GetEnvironmentVariable(RemoteCacheSettings.ConnectionStringVariable),
            Environment.GetEnvironmentVariable(AccountUrlVariable)),
        () => Open(modelsRoot, pipeline));

    /// <summary>
    /// Where <see cref="Open(string, string, string?, string?, string?)"/> would find the registry, without opening it. Settings
    /// it would refuse give a location that says so (opening it then fails with the error), so a status never throws.
    /// </summary>
    public static RegistryLocation Locate(string modelsRoot, string pipeline, string? registry, string? connectionString, string? accountUrl = null)
    {
        if (!IsRemote(registry))
        {
            var file = Path.Combine(LocalRoot(modelsRoot, pipeline, registry), ModelRegistry.DefaultFileName);
            return new RegistryLocation(file, file);
        }

        try
        {
            return RemoteLocation(modelsRoot, pipeline, registry, connectionString, accountUrl);
        }
        catch (ConfigException ex)
        {
            return new RegistryLocation($"unusable: {ex.Message}", null);
        }
    }

    // Apart, so that only a remote setting loads the Azure SDK; no request is made.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static RegistryLocation RemoteLocation(string modelsRoot, string pipeline, string registry, string? connectionString, string? accountUrl)
    {
        var remote = Remote(modelsRoot, pipeline, registry, connectionString, accountUrl)!;
        return new RegistryLocation($"{remote.Location} at {remote.Endpoint}", null);
    }

    /// <summary>The remote registry <paramref name="registry"/> names, or null when it names a local one.</summary>
    public static AzureBlobRegistry? Remote(string modelsRoot, string pipeline, string? registry, string? connectionString, string? accountUrl = null)
    {
        if (!IsRemote(registry))
        {
            return null;
        }

        var path = registry[AzureScheme.Length..].Trim('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var container = slash < 0 ? path : path[..slash];
        var prefix = slash < 0 ? string.Empty : path[(slash + 1)..];
        if (container.Length is < 3 or > 63 || !container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new ConfigException($"{RegistryVariable}='{registry}': expected azure://<container>[/prefix] with a container name of 3-63 lower-case letters, digits and hyphens");
        }

        if (prefix.Split('/').Any(segment => segment.Length == 0 && prefix.Length > 0 || segment is "." or ".." || !segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new ConfigException($"{RegistryVariable}='{registry}': the prefix '{prefix}' must be '/'-separated names of letters, digits, '-', '_' and '.'");
        }

        var fullPrefix = prefix.Length == 0 ? pipeline : $"{prefix}/{pipeline}";
        var cache = Path.Combine([Path.GetFullPath(modelsRoot), ".remote", container, .. fullPrefix.Split('/')]);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (string.IsNullOrWhiteSpace(accountUrl))
            {
                throw new ConfigException($"{RegistryVariable}='{registry}' needs the storage account: its connection string in {RemoteCacheSettings.ConnectionStringVariable}, or its URL in {AccountUrlVariable} to sign in with Azure.Identity");
            }

            if (!Uri.TryCreate(accountUrl.TrimEnd('/') + "/", UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps || url.AbsolutePath != "/")
            {
                throw new ConfigException($"{AccountUrlVariable}='{accountUrl}': expected the account's blob endpoint, https://<account>.blob.core.windows.net");
            }

            return new AzureBlobRegistry(url, new DefaultAzureCredential(), container, fullPrefix, cache);
        }

        try
        {
            return new AzureBlobRegistry(connectionString, container, fullPrefix, cache);
        }
        catch (RegistryException ex)
        {
            throw new ConfigException(ex.Message);
        }
    }

    private static bool IsRemote([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? registry) =>
        !string.IsNullOrWhiteSpace(registry) && registry.StartsWith(AzureScheme, StringComparison.OrdinalIgnoreCase);

    private static string LocalRoot(string modelsRoot, string pipeline, string? registry) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(registry) ? modelsRoot : Path.Combine(LocalPath(registry), pipeline));

    private static string LocalPath(string registry) =>
        Path.GetFullPath(registry.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(registry).LocalPath : registry);
}
