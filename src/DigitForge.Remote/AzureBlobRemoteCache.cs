using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using DigitForge.Engine.Caching;

namespace DigitForge.Remote;

/// <summary>
/// A remote cache in an Azure Blob Storage container: one block blob <c>stages/&lt;fingerprint&gt;.zip</c>
/// per entry, and one block blob per document under its name. A block blob's content is replaced in
/// one commit, so a reader sees the old archive (or document), the new one or none, never part of one. Calls fail fast (short timeout, one retry) so an unreachable
/// account costs the build seconds, not minutes.
/// </summary>
public sealed class AzureBlobRemoteCache : IRemoteCache
{
    private readonly BlobContainerClient container;
    private bool containerChecked;

    public AzureBlobRemoteCache(string connectionString, string containerName)
    {
        var options = new BlobClientOptions();
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        try
        {
            container = new BlobContainerClient(connectionString, containerName, options);
        }
        catch (FormatException ex)
        {
            throw new RemoteCacheException($"the Azure Storage connection string is not valid ({ex.Message})", ex);
        }

        Name = $"azure://{containerName} at {container.Uri.GetLeftPart(UriPartial.Authority)}";
    }

    public string Name { get; }

    public bool TryPull(string fingerprint, string destination) => Call(() =>
    {
        var blob = container.GetBlobClient(BlobName(fingerprint));
        try
        {
            using var download = blob.DownloadStreaming().Value;
            using var buffer = new MemoryStream();
            download.Content.CopyTo(buffer);
            buffer.Position = 0;
            CacheArchive.Extract(buffer, destination);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    });

    public void Push(string fingerprint, string folder) => Call(() =>
    {
        EnsureContainer();
        using var archive = new MemoryStream();
        CacheArchive.Create(folder, archive);
        archive.Position = 0;
        container.GetBlobClient(BlobName(fingerprint)).Upload(archive, overwrite: true);
        return true;
    });

    public void PutDocument(string name, string text) => Call(() =>
    {
        EnsureContainer();
        container.GetBlobClient(name).Upload(BinaryData.FromString(text), overwrite: true);
        return true;
    });

    public string? GetDocument(string name) => Call(() =>
    {
        try
        {
            return container.GetBlobClient(name).DownloadContent().Value.Content.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    });

    public IReadOnlyList<string> ListDocuments(string prefix) => Call(() =>
    {
        try
        {
            IReadOnlyList<string> names = [.. container.GetBlobs(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None).Select(b => b.Name).Order(StringComparer.Ordinal)];
            return names;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container yet: nothing was ever written.
            return [];
        }
    });

    private static string BlobName(string fingerprint) => $"stages/{fingerprint}.zip";

    private void EnsureContainer()
    {
        if (!containerChecked)
        {
            container.CreateIfNotExists(PublicAccessType.None);
            containerChecked = true;
        }
    }

    private T Call<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (RequestFailedException ex)
        {
            throw new RemoteCacheException($"{Name} answered {ex.Status} {ex.ErrorCode}", ex);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.All(e => e is RequestFailedException or HttpRequestException or TaskCanceledException))
        {
            throw new RemoteCacheException($"{Name} unreachable: {ex.InnerExceptions[0].Message}", ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new RemoteCacheException($"{Name} unreachable: {ex.Message}", ex);
        }
    }
}
