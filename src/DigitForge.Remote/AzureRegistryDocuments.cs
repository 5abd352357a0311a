using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using DigitForge.Registry;

namespace DigitForge.Remote;

/// <summary>
/// The remote <c>registry.json</c>: read with a conditional GET (an unchanged document costs a 304), changed
/// by download, apply, and upload with If-Match on the ETag read (If-None-Match: * for the first), retried
/// with jittered back-off when another writer got in first. An update is never lost and a reader sees
/// either the old or the new document: publication of a version is this one blob write.
/// </summary>
public sealed class AzureRegistryDocuments : IRegistryDocuments
{
    private const string FileName = ModelRegistry.DefaultFileName;
    private const int MaxAttempts = 200;
    private readonly AzureBlobRegistry registry;
    private readonly Lock gate = new();
    private (ETag Tag, string Text)? cached;

    internal AzureRegistryDocuments(AzureBlobRegistry registry) => this.registry = registry;

    public string Location => registry.Describe(FileName);

    public RegistryDocument Read() => Parse(Fetch());

    /// <summary>The document's ETag (null when there is none yet), by a conditional GET: what a poller compares.</summary>
    public string? ChangeToken() => Fetch()?.Tag.ToString();

    public T Mutate<T>(Func<RegistryDocument, T> change)
    {
        registry.EnsureContainer();
        for (var attempt = 1; ; attempt++)
        {
            var current = Fetch();
            var document = Parse(current);
            var result = change(document);
            var text = RegistryJson.Serialize(document);
            var conditions = current is { } read ? new BlobRequestConditions { IfMatch = read.Tag } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                var written = registry.Call(() => registry.Blob(FileName).Upload(
                    BinaryData.FromString(text),
                    new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } }));
                lock (gate)
                {
                    cached = (written.Value.ETag, text);
                }

                return result;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 409 && attempt < MaxAttempts)
            {
                // Another writer changed it since the read: read again and re-apply.
                Thread.Sleep(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 30 + Math.Min(attempt, 10) * 20)));
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 409)
            {
                throw new RegistryException($"{Location}: gave up after {MaxAttempts} attempts, other writers kept changing it; nothing was changed by this one", ex);
            }
        }
    }

    private (ETag Tag, string Text)? Fetch()
    {
        var known = cached;
        try
        {
            var response = registry.Call(() => registry.Blob(FileName).DownloadContent(
                new BlobDownloadOptions { Conditions = known is { } k ? new BlobRequestConditions { IfNoneMatch = k.Tag } : null }));
            if (response.GetRawResponse().Status == 304 && known is not null)
            {
                return known;
            }

            var fresh = (response.Value.Details.ETag, Encoding.UTF8.GetString(response.Value.Content.ToArray()));
            lock (gate)
            {
                cached = fresh;
            }

            return fresh;
        }
        catch (RequestFailedException ex) when (ex.Status == 304 && known is not null)
        {
            return known;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private RegistryDocument Parse((ETag Tag, string Text)? read) =>
        read is not { } found
            ? new RegistryDocument()
            : RegistryJson.TryParse(found.Text, out var problem)
                ?? throw new RegistryDamagedException(Location, problem!, $"Restore an earlier copy of the blob (blob versioning or a backup), or repair it by hand; ETag {found.Tag}.");
}
