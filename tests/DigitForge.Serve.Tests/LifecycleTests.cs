using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace DigitForge.Serve.Tests;

[Trait("Category", "Unit")]
[Collection(ServeModelsCollection.Name)]
public sealed class LifecycleTests(ServeModels models) : IDisposable
{
    private readonly TempDirectory directory = new();

    [Fact]
    public async Task A_promotion_during_a_stream_of_requests_fails_none_and_switches_the_model()
    {
        var second = models.CreateRegistry(directory.Path);
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path) with { LogRequests = false });
        var before = await RunningService.JsonAsync(await service.Client.GetAsync("/v1/model"));
        before.GetProperty("onnxVersion").GetString().Should().Be("serve-tests-1");

        var failures = new ConcurrentQueue<string>();
        var seen = new ConcurrentDictionary<string, int>();
        var promoted = 0;
        var requests = 0;
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            var i = c;
            while (!stop.IsCancellationRequested)
            {
                var (png, _) = models.Digits[i++ % models.Digits.Count];
                try
                {
                    using var response = await service.PostImageAsync("/v1/predict", png);
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"{(int)response.StatusCode}: {text}");
                        continue;
                    }

                    var model = JsonDocument.Parse(text).RootElement.GetProperty("model").GetString()!;
                    seen.AddOrUpdate(model, 1, (_, n) => n + 1);
                    if (Volatile.Read(ref promoted) == 1 && model.StartsWith("v0002-", StringComparison.Ordinal))
                    {
                        Interlocked.Exchange(ref promoted, 2);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    failures.Enqueue(ex.Message);
                }

                Interlocked.Increment(ref requests);
            }
        })).ToArray();

        await Task.Delay(400);
        ServeModels.Promote(directory.Path, second);
        Volatile.Write(ref promoted, 1);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Volatile.Read(ref promoted) != 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        // Keep the stream going a little after the switch, then stop.
        await Task.Delay(300);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        failures.Should().BeEmpty();
        requests.Should().BeGreaterThan(50);
        seen.Keys.Should().Contain(k => k.StartsWith("v0001-", StringComparison.Ordinal)).And.Contain(k => k.StartsWith("v0002-", StringComparison.Ordinal));
        var after = await RunningService.JsonAsync(await service.Client.GetAsync("/v1/model"));
        after.GetProperty("version").GetString().Should().StartWith("v0002-");
        after.GetProperty("onnxVersion").GetString().Should().Be("serve-tests-2");
        after.GetProperty("metrics").GetProperty("accuracy").GetDouble().Should().Be(0.93);
        (await service.Client.GetStringAsync("/metrics")).Should().Contain("digitforge_model_swaps_total 2");

        // A rollback switches back the same way.
        ServeModels.Rollback(directory.Path);
        (await WaitForModel(service, "v0001-")).GetProperty("onnxVersion").GetString().Should().Be("serve-tests-1");
        (await service.PostImageAsync("/v1/predict", models.Digits[0].Png)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_production_model_that_cannot_load_leaves_the_current_one_serving()
    {
        models.CreateRegistry(directory.Path);
        var broken = ServeModels.AddVersion(directory.Path, "not an onnx model"u8.ToArray(), "broken", 0.99);
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path));
        var metrics = await service.Client.GetStringAsync("/metrics");
        metrics.Should().Contain("digitforge_model_reload_failures_total 0\n");
        ServeModels.Promote(directory.Path, broken);

        // The service must have tried the broken model and refused it, not merely not looked yet.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!metrics.Contains("digitforge_model_reload_failures_total 1\n", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
            metrics = await service.Client.GetStringAsync("/metrics");
        }

        metrics.Should().Contain("digitforge_model_reload_failures_total 1\n", "the service tries the promoted version and fails to load it");
        metrics.Should().Contain("digitforge_model_swaps_total 1\n");
        (await RunningService.JsonAsync(await service.Client.GetAsync("/v1/model"))).GetProperty("version").GetString().Should().StartWith("v0001-");
        (await service.PostImageAsync("/v1/predict", models.Digits[0].Png)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await service.Client.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private static async Task<JsonElement> WaitForModel(RunningService service, string prefix)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var model = await RunningService.JsonAsync(await service.Client.GetAsync("/v1/model"));
            if (model.GetProperty("version").GetString()!.StartsWith(prefix, StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                model.GetProperty("version").GetString().Should().StartWith(prefix);
                return model;
            }

            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Without_a_production_model_it_is_alive_but_not_ready_then_picks_one_up()
    {
        var second = models.CreateRegistry(directory.Path, promoteFirst: false);
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path));
        (await service.Client.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        await ServeTests.ExpectProblem(await service.Client.GetAsync("/readyz"), 503);
        await ServeTests.ExpectProblem(await service.PostImageAsync("/v1/predict", models.Digits[0].Png), 503);

        ServeModels.Promote(directory.Path, second);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await service.Client.GetAsync("/readyz")).StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        (await service.Client.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await RunningService.JsonAsync(await service.PostImageAsync("/v1/predict", models.Digits[0].Png))).GetProperty("model").GetString().Should().StartWith("v0002-");
    }

    [Fact]
    public async Task With_an_api_key_v1_requests_without_it_are_401()
    {
        models.CreateRegistry(directory.Path);
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path) with { ApiKey = "s3cret" });
        var problem = await ServeTests.ExpectProblem(await service.PostImageAsync("/v1/predict", models.Digits[0].Png), 401);
        problem.GetProperty("detail").GetString().Should().Contain("X-Api-Key");
        await ServeTests.ExpectProblem(await service.Client.GetAsync("/v1/model"), 401);

        var wrong = new HttpRequestMessage(HttpMethod.Get, "/v1/model");
        wrong.Headers.Add("X-Api-Key", "guess");
        await ServeTests.ExpectProblem(await service.Client.SendAsync(wrong), 401);

        var right = new HttpRequestMessage(HttpMethod.Get, "/v1/model");
        right.Headers.Add("X-Api-Key", "s3cret");
        (await service.Client.SendAsync(right)).StatusCode.Should().Be(HttpStatusCode.OK);

        var bearer = new HttpRequestMessage(HttpMethod.Post, "/v1/predict") { Content = new ByteArrayContent(models.Digits[0].Png) };
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "s3cret");
        (await service.Client.SendAsync(bearer)).StatusCode.Should().Be(HttpStatusCode.OK);

        // Probes and metrics stay open for the platform.
        (await service.Client.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await service.Client.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Shutdown_lets_an_in_flight_request_finish()
    {
        models.CreateRegistry(directory.Path);
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path));
        var slowBody = new SlowContent(models.Digits[0].Png, TimeSpan.FromMilliseconds(500));
        var inFlight = service.Client.PostAsync("/v1/predict", slowBody);
        await slowBody.Started.Task;
        // Stopping, not disposing: a disposed client would cancel the response it has not read yet.
        var stopping = service.StopAsync();
        var response = await inFlight;
        await stopping;
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    public void Dispose() => directory.Dispose();

    /// <summary>A body sent in two halves with a pause between, so the request is in flight when shutdown starts.</summary>
    private sealed class SlowContent(byte[] bytes, TimeSpan pause) : HttpContent
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await stream.FlushAsync();
            Started.TrySetResult();
            await Task.Delay(pause);
            await stream.WriteAsync(bytes.AsMemory(bytes.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
