using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using DigitForge.Engine.Hashing;
using DigitForge.Registry;
using DigitForge.Registry.Gate;
using DigitForge.Registry.Store;
using DigitForge.Remote;
using DigitForge.Tests.Azurite;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace DigitForge.Serve.Tests;

/// <summary>The service following a remote registry (Azurite on loopback) that another "machine" changes.</summary>
[Trait("Category", "EndToEnd")]
[Trait("Category", "Azurite")]
[Collection(ServeModelsCollection.Name)]
public sealed class RemoteRegistryTests(ServeModels models, ITestOutputHelper output) : IClassFixture<PrerequisiteReport>, IDisposable
{
    private static readonly GateDecision Pass = new([new GateCheck("test", true, "passes")]);
    private readonly TempDirectory directory = new();
    private readonly string address = $"azure://serve-{Guid.NewGuid().ToString("N")[..12]}/team";

    // Started by the test, which skips when Azurite cannot be had (see AzuriteServer).
    private AzuriteServer? azurite;

    public void Dispose()
    {
        azurite?.Dispose();
        directory.Dispose();
    }

    [SkippableFact]
    public async Task A_promotion_and_a_rollback_on_another_machine_are_served_within_the_poll_interval_failing_no_request()
    {
        azurite = new AzuriteServer();
        var publisher = RegistrySettings.Open(directory.File("publisher"), "mnist", address, azurite.ConnectionString);
        var stopwatch = Stopwatch.StartNew();
        var first = Publish(publisher, models.First, "first");
        output.WriteLine($"published {first.Name} in {stopwatch.ElapsedMilliseconds} ms");
        publisher.Promote(first.Version, Pass);
        stopwatch.Restart();
        var second = Publish(publisher, models.Second, "second");
        output.WriteLine($"published {second.Name} in {stopwatch.ElapsedMilliseconds} ms ({models.Second.Length} bytes of ONNX)");

        var options = RunningService.Options(directory.File("server")) with
        {
            // The MNIST pipeline's route follows the same remote registry into a cache of its own, outside the one checked here.
            Artifacts = directory.File("pipelines"),
            LogRequests = false,
            PollInterval = TimeSpan.FromMilliseconds(500),
            Registry = address,
            StorageConnectionString = azurite.ConnectionString,
        };
        await using var service = await RunningService.StartAsync(options);
        (await ServedAsync(service)).Should().Be(first.Name);

        var failures = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var client = Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                using var response = await service.PostImageAsync("/v1/predict", models.Digits[i++ % models.Digits.Count].Png);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Enqueue($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        });

        publisher.Promote(second.Version, Pass);
        var promotion = await SeenAsync(service, second.Name);
        publisher.Rollback();
        var rollback = await SeenAsync(service, first.Name);
        await stop.CancelAsync();
        await client;

        output.WriteLine($"promotion served after {promotion.TotalMilliseconds:0} ms, rollback after {rollback.TotalMilliseconds:0} ms (poll 500 ms)");
        failures.Should().BeEmpty();
        promotion.Should().BeLessThan(TimeSpan.FromSeconds(5), "it is seen at the next poll, plus a download");
        rollback.Should().BeLessThan(TimeSpan.FromSeconds(5));
        Directory.EnumerateDirectories(directory.File("server"), second.Name, SearchOption.AllDirectories).Should().ContainSingle("the version was downloaded into the local cache");
    }

    private static RegistryEntry Publish(ModelRegistry registry, byte[] onnx, string seed)
    {
        var added = registry.Store.Add(ContentHash.OfText(seed), (folder, _) =>
        {
            File.WriteAllBytes(Path.Combine(folder, ModelVersion.OnnxFileName), onnx);
            return new JObject();
        });
        return registry.Register(added.Version, new ModelMetrics(0.9, 0.8, 5, "test-set"));
    }

    private static async Task<string?> ServedAsync(RunningService service)
    {
        using var response = await service.Client.GetAsync("/v1/model");
        return response.IsSuccessStatusCode ? (await RunningService.JsonAsync(response)).GetProperty("version").GetString() : null;
    }

    private static async Task<TimeSpan> SeenAsync(RunningService service, string name)
    {
        var stopwatch = Stopwatch.StartNew();
        while (await ServedAsync(service) != name)
        {
            stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), $"the service should switch to {name}");
            await Task.Delay(20);
        }

        return stopwatch.Elapsed;
    }
}
