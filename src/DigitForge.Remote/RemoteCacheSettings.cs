using DigitForge.Engine.Caching;
using DigitForge.Engine.Config;

namespace DigitForge.Remote;

/// <summary>
/// The remote cache a build uses, from the environment (never from committed files, which is where
/// credentials must not be): <c>DIGITFORGE_REMOTE</c> is a folder path, or <c>azure://&lt;container&gt;</c>
/// with the account in <c>AZURE_STORAGE_CONNECTION_STRING</c>. Unset: no remote.
/// </summary>
public static class RemoteCacheSettings
{
    public const string RemoteVariable = "DIGITFORGE_REMOTE";
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";
    private const string AzureScheme = "azure://";

    public static IRemoteCache? FromEnvironment() => Parse(
        Environment.GetEnvironmentVariable(RemoteVariable),
        Environment.GetEnvironmentVariable(ConnectionStringVariable));

    public static IRemoteCache? Parse(string? remote, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(remote))
        {
            return null;
        }

        if (!remote.StartsWith(AzureScheme, StringComparison.OrdinalIgnoreCase))
        {
            return new DirectoryRemoteCache(remote.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(remote).LocalPath : remote);
        }

        var container = remote[AzureScheme.Length..].Trim('/');
        if (container.Length is < 3 or > 63 || !container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new ConfigException($"{RemoteVariable}='{remote}': expected azure://<container> with a container name of 3-63 lower-case letters, digits and hyphens");
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ConfigException($"{RemoteVariable}='{remote}' needs the storage account's connection string in {ConnectionStringVariable}");
        }

        try
        {
            return new AzureBlobRemoteCache(connectionString, container);
        }
        catch (RemoteCacheException ex)
        {
            throw new ConfigException($"{ConnectionStringVariable}: {ex.Message}");
        }
    }
}
