using DigitForge.Engine.Config;
using DigitForge.Registry;
using DigitForge.Registry.Store;

namespace DigitForge.Storage;

/// <summary>
/// Which model registry a pipeline uses, from the environment: <c>DIGITFORGE_REGISTRY</c> unset is the local
/// folder <c>artifacts/&lt;pipeline&gt;/models</c> (unchanged); a folder path is a local registry there; and
/// <c>azure://&lt;container&gt;[/prefix]</c> is the remote registry in that container, under
/// <c>&lt;prefix&gt;/&lt;pipeline&gt;/</c>, with the account in <c>AZURE_STORAGE_CONNECTION_STRING</c>. A remote
/// registry keeps its downloaded versions in <c>&lt;models&gt;/.remote/&lt;container&gt;/&lt;prefix&gt;/&lt;pipeline&gt;/</c>.
/// </summary>
public static class RegistrySettings
{
    public const string RegistryVariable = "DIGITFORGE_REGISTRY";
    private const string AzureScheme = "azure://";

    /// <summary>The pipeline's registry as the environment configures it.</summary>
    public static ModelRegistry Open(string modelsRoot, string pipeline) => Open(
        modelsRoot,
        pipeline,
        Environment.GetEnvironmentVariable(RegistryVariable),
        Environment.GetEnvironmentVariable(RemoteCacheSettings.ConnectionStringVariable));

    public static ModelRegistry Open(string modelsRoot, string pipeline, string? registry, string? connectionString) =>
        Remote(modelsRoot, pipeline, registry, connectionString)?.Open()
        ?? new ModelRegistry(new ModelStore(string.IsNullOrWhiteSpace(registry) ? modelsRoot : Path.Combine(LocalPath(registry), pipeline)));

    /// <summary>The remote registry <paramref name="registry"/> names, or null when it names a local one.</summary>
    public static AzureBlobRegistry? Remote(string modelsRoot, string pipeline, string? registry, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(registry) || !registry.StartsWith(AzureScheme, StringComparison.OrdinalIgnoreCase))
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

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ConfigException($"{RegistryVariable}='{registry}' needs the storage account's connection string in {RemoteCacheSettings.ConnectionStringVariable}");
        }

        var fullPrefix = prefix.Length == 0 ? pipeline : $"{prefix}/{pipeline}";
        var cache = Path.Combine([Path.GetFullPath(modelsRoot), ".remote", container, .. fullPrefix.Split('/')]);
        try
        {
            return new AzureBlobRegistry(connectionString, container, fullPrefix, cache);
        }
        catch (RegistryException ex)
        {
            throw new ConfigException(ex.Message);
        }
    }

    private static string LocalPath(string registry) =>
        Path.GetFullPath(registry.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(registry).LocalPath : registry);
}
