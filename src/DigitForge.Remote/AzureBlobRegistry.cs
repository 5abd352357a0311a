using System.Globalization;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DigitForge.Registry;

namespace DigitForge.Remote;

/// <summary>
/// A model registry in an Azure Blob Storage container under <c>&lt;prefix&gt;/</c>: the registry document
/// <c>registry.json</c> (<see cref="Documents"/>, changed only by compare-and-swap on its ETag), each
/// version's files under <c>versions/v0007-&lt;hash&gt;/</c> (<see cref="Versions"/>, immutable, uploaded and
/// verified before the document publishes them) and one reservation blob per version number handed out
/// under <c>numbers/</c>, so a number is never reused. Versions are downloaded into a local cache folder.
/// </summary>
public sealed class AzureBlobRegistry
{
    /// <summary>The account from a connection string (a key or SAS: CI secrets, Azurite).</summary>
    public AzureBlobRegistry(string connectionString, string containerName, string prefix, string cacheRoot)
        : this(options => ContainerFromConnectionString(connectionString, containerName, options), containerName, prefix, cacheRoot)
    {
    }

    /// <summary>The account at <paramref name="accountUrl"/>, signed in with Azure.Identity (managed identity, OIDC federated credentials, az login).</summary>
    public AzureBlobRegistry(Uri accountUrl, TokenCredential credential, string containerName, string prefix, string cacheRoot)
        : this(options => new BlobContainerClient(new Uri(accountUrl, containerName), credential, options), containerName, prefix, cacheRoot)
    {
    }

    private AzureBlobRegistry(Func<BlobClientOptions, BlobContainerClient> container, string containerName, string prefix, string cacheRoot)
    {
        var options = new BlobClientOptions();
        // Fail fast: an unreachable account costs seconds; compare-and-swap conflicts are retried by the callers.
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        Container = container(options);

        Prefix = prefix.Trim('/').Length == 0 ? string.Empty : prefix.Trim('/') + "/";
        Endpoint = Container.Uri.GetLeftPart(UriPartial.Authority);
        Location = $"azure://{containerName}/{Prefix}";
        Documents = new AzureRegistryDocuments(this);
        Versions = new AzureVersionStore(this, cacheRoot);
    }

    /// <summary>e.g. <c>azure://models/team/mnist/</c>.</summary>
    public string Location { get; }

    /// <summary>The storage endpoint (scheme, host and port), for messages.</summary>
    public string Endpoint { get; }

    public AzureRegistryDocuments Documents { get; }

    public AzureVersionStore Versions { get; }

    internal BlobContainerClient Container { get; }

    private static BlobContainerClient ContainerFromConnectionString(string connectionString, string containerName, BlobClientOptions options)
    {
        try
        {
            return new BlobContainerClient(connectionString, containerName, options);
        }
        catch (FormatException ex)
        {
            throw new RegistryException($"{RemoteCacheSettings.ConnectionStringVariable}: the Azure Storage connection string is not valid ({ex.Message})", ex);
        }
    }

    internal string Prefix { get; }

    public ModelRegistry Open() => new(Versions, Documents);

    internal BlobClient Blob(string relative) => Container.GetBlobClient(Prefix + relative);

    internal string Describe(string relative) => $"{Location}{relative}";

    internal static string Number(int number) => $"v{number.ToString("D4", CultureInfo.InvariantCulture)}";

    private int containerChecked;

    internal void EnsureContainer()
    {
        if (Volatile.Read(ref containerChecked) == 0)
        {
            Call(() => Container.CreateIfNotExists(PublicAccessType.None));
            Volatile.Write(ref containerChecked, 1);
        }
    }

    /// <summary>Runs a storage call, turning an unreachable endpoint into <see cref="RegistryUnavailableException"/> and other failures into <see cref="RegistryException"/>s naming the registry.</summary>
    internal T Call<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (RequestFailedException ex) when (ex.Status == 0)
        {
            throw Unavailable(ex.Message, ex);
        }
        catch (RequestFailedException ex) when (ex.Status is 401 or 403)
        {
            throw new RegistryException($"{Location} at {Endpoint} refused access ({ex.Status} {ex.ErrorCode}): writers need the role Storage Blob Data Contributor (or a SAS with read, write, list and delete), readers Storage Blob Data Reader", ex);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is RequestFailedException or HttpRequestException or TaskCanceledException))
        {
            throw Unavailable(ex.InnerExceptions[0].Message, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            throw Unavailable(ex.Message, ex);
        }
    }

    internal void Call(Action call) => Call(() =>
    {
        call();
        return true;
    });

    private RegistryUnavailableException Unavailable(string reason, Exception inner) =>
        new($"the model registry {Location} is unreachable at {Endpoint} ({FirstLine(reason)}); nothing was changed. Check that the storage account is up and {RemoteCacheSettings.ConnectionStringVariable} names it", inner);

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
