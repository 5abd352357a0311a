using System.Net;
using System.Net.Http.Headers;
using DigitForge.Data.Idx;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Stages;
using Polly;
using Polly.Retry;

namespace DigitForge.Data.Sources;

/// <summary>
/// Files fetched by URL once and kept by their SHA-256. Interrupted downloads resume from the
/// partial file (HTTP Range); transient failures are retried with backoff; a file enters the
/// cache only after its hash matched, by rename, so the cache never holds a bad or partial file.
/// </summary>
public sealed class DownloadCache(string directory, HttpClient? client = null, TimeSpan? retryDelay = null)
{
    private readonly HttpClient http = client ?? new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
    private readonly ResiliencePipeline retry = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = 4,
            BackoffType = DelayBackoffType.Exponential,
            Delay = retryDelay ?? TimeSpan.FromSeconds(1),
            ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<IOException>().Handle<TaskCanceledException>(),
        })
        .Build();

    /// <summary>Where verified files are kept, each named by its SHA-256.</summary>
    public string Directory { get; } = directory;

    /// <summary>The cached file for <paramref name="url"/>, downloaded first unless a copy with the pinned hash is already there.</summary>
    public string Get(Uri url, string sha256, IStageLog log)
    {
        var target = Path.Combine(Directory, sha256);
        if (File.Exists(target))
        {
            if (ContentHash.OfFile(target) == sha256)
            {
                return target;
            }

            log.Info($"cached copy of {url} no longer matches its SHA-256; downloading it again");
            File.Delete(target);
        }

        System.IO.Directory.CreateDirectory(Directory);
        var partial = target + ".partial";
        retry.Execute(() => DownloadInto(url, partial, log));
        var actual = ContentHash.OfFile(partial);
        if (actual != sha256)
        {
            File.Delete(partial);
            throw new DataFormatException(url.ToString(), $"SHA-256 mismatch: expected {sha256}, got {actual}");
        }

        File.Move(partial, target, overwrite: true);
        return target;
    }

    private void DownloadInto(Uri url, string partial, IStageLog log)
    {
        var offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        using var response = http.Send(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode is HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return; // the partial file is already whole
        }

        if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new HttpRequestException($"{url}: HTTP {(int)response.StatusCode}, will retry");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new DataFormatException(url.ToString(), $"download failed: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        }

        var resumed = response.StatusCode == HttpStatusCode.PartialContent;
        log.Info(resumed ? $"resuming {url} at byte {offset}" : $"downloading {url}");
        using var body = response.Content.ReadAsStream();
        using var file = new FileStream(partial, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write);
        body.CopyTo(file);
    }
}
