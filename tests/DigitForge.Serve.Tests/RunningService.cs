using Microsoft.AspNetCore.Builder;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace DigitForge.Serve.Tests;

/// <summary>The real service (Kestrel on a free loopback port) over a models folder, and a client for it.</summary>
internal sealed class RunningService : IAsyncDisposable
{
    private readonly WebApplication app;
    private Task? stopped;

    private RunningService(WebApplication app, Uri address)
    {
        this.app = app;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public static async Task<RunningService> StartAsync(ServeOptions options)
    {
        var app = ServeApp.Build(options with { Urls = "http://127.0.0.1:0" });
        await app.StartAsync();
        var address = app.Urls.Single();
        address.Should().StartWith("http://127.0.0.1:");
        return new RunningService(app, new Uri(address));
    }

    /// <summary>Options over the digit registry <paramref name="modelsRoot"/>; the pipelines' registries are looked for inside it
    /// (none: not loaded), so a test's files stay in its own folder.</summary>
    public static ServeOptions Options(string modelsRoot) => new()
    {
        ModelsRoot = modelsRoot,
        Artifacts = Path.Combine(modelsRoot, "pipelines"),
        PollInterval = TimeSpan.FromMilliseconds(100),
        MaxRequestBytes = 256 << 10,
        MaxPixels = 4_000_000,
    };

    public Task<HttpResponseMessage> PostImageAsync(string path, byte[] image, string contentType = "image/png")
    {
        var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return Client.PostAsync(path, content);
    }

    /// <summary>
    /// Posts feedback until its prediction is found: the prediction log stores in batches, so a prediction just made is an
    /// unknown id (404, and counted as one) for up to a batch interval. Returns the last response and the 404s before it.
    /// </summary>
    public async Task<(HttpResponseMessage Response, int NotFound)> PostFeedbackAsync(string path, object feedback)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var notFound = 0;
        while (true)
        {
            var response = await Client.PostAsJsonAsync(path, feedback);
            if (response.StatusCode != System.Net.HttpStatusCode.NotFound || DateTime.UtcNow >= deadline)
            {
                return (response, notFound);
            }

            response.Dispose();
            notFound++;
            await Task.Delay(100);
        }
    }

    public static MultipartFormDataContent Form(params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "images", name);
        }

        return form;
    }

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Stops the service as a host shutdown does (requests in flight finish); the client stays open to read their responses.</summary>
    public Task StopAsync() => stopped ??= app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await app.DisposeAsync();
        Client.Dispose();
    }
}
