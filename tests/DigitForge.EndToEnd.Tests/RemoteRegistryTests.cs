using System.Diagnostics;
using System.Text.Json;
using DigitForge.Tests.Azurite;

namespace DigitForge.EndToEnd.Tests;

/// <summary>
/// The issue's "must show": one working folder promotes into a registry on a real Blob endpoint (Azurite),
/// a service started from another working folder serves it, and a later promotion from the first is served
/// within the poll interval.
/// </summary>
[Trait("Category", "EndToEnd")]
[Trait("Category", "Azurite")]
[Collection(BuildLanes.Second)]
public sealed class RemoteRegistryTests : IClassFixture<PrerequisiteReport>, IDisposable
{
    // Started by the test, which skips when Azurite cannot be had (see AzuriteServer).
    private AzuriteServer? azurite;

    public void Dispose() => azurite?.Dispose();

    [SkippableFact]
    public async Task A_promotion_on_one_machine_is_served_by_the_service_of_another()
    {
        azurite = new AzuriteServer();
        var address = $"azure://e2e-{Guid.NewGuid().ToString("N")[..12]}";
        using var publisher = Machine(address, seeded: true);
        var first = publisher.Run(["--target=Promote", .. PromotedBuild.Recipe]);
        first.ExitCode.Should().Be(0, first.ToString());
        first.Output.Should().Contain($"v0001-").And.Contain($"stored in {address}/mnist/versions/");
        File.Exists(Path.Combine(publisher.Home, "models", "registry.json")).Should().BeFalse("the remote is the registry; the local one is untouched");

        using var server = Machine(address, seeded: false);
        var (serving, client) = await StartServingAsync(server, "v0001-");
        using var stopServing = serving;
        using var disposeClient = client;

        var second = publisher.Run(["--target=Promote", .. PromotedBuild.Recipe, "--set=train.seed=7", "--force"]);
        second.ExitCode.Should().Be(0, second.ToString());
        second.Output.Should().Contain("v0002-");
        var watch = Stopwatch.StartNew();
        (await ServedAsync(client, serving, "v0002-", TimeSpan.FromSeconds(30))).Should().BeTrue(serving.Output);
        Console.WriteLine($"the service served v0002 {watch.ElapsedMilliseconds} ms after the promoting build ended (poll 1 s)");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void With_the_remote_registry_down_models_exits_8_naming_the_endpoint()
    {
        using var build = new RepoBuild();
        build.Environment["DIGITFORGE_REGISTRY"] = "azure://digitforge-models";
        build.Environment["AZURE_STORAGE_CONNECTION_STRING"] = AzuriteServer.Unreachable;

        var models = build.Run("--target=Models", "--config=configs/mnist/ci.json");

        models.ExitCode.Should().Be(8, models.ToString());
        models.Output.Should().Contain("the model registry azure://digitforge-models/mnist/ is unreachable at http://127.0.0.1:").And.Contain("nothing was changed");
    }

    /// <param name="seeded">The ci recipe's trained stages restored from the seeded cache (what is tested is the registry).</param>
    private RepoBuild Machine(string address, bool seeded)
    {
        var build = new RepoBuild(seeded: seeded);
        build.Environment["DIGITFORGE_REGISTRY"] = address;
        build.Environment["AZURE_STORAGE_CONNECTION_STRING"] = azurite!.ConnectionString;
        return build;
    }

    /// <summary>Starts the service on a free port and waits until it serves a version starting with <paramref name="prefix"/>.</summary>
    private static async Task<(RunningBuild Serving, HttpClient Client)> StartServingAsync(RepoBuild server, string prefix)
    {
        // A port free when checked can be taken before the service binds it (any process's outgoing
        // connection may get it as its local port): the service then exits saying so, and starts again on another.
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPorts.Free();
            var serving = server.Start(["--target=Serve", $"--port={port}"]);
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            if (await ServedAsync(client, serving, prefix, TimeSpan.FromMinutes(4)))
            {
                return (serving, client);
            }

            // Once it has exited, its output is read to the end.
            var output = serving.HasExited ? serving.WaitForExit(TimeSpan.FromSeconds(30)).Output : serving.Output;
            client.Dispose();
            serving.Dispose();
            if (attempt == 3 || !output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new Xunit.Sdk.XunitException($"the service did not serve {prefix} on port {port} (attempt {attempt}):\n{output}");
            }
        }
    }

    private static async Task<bool> ServedAsync(HttpClient client, RunningBuild serving, string prefix, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !serving.HasExited)
        {
            try
            {
                using var response = await client.GetAsync("/v1/model");
                if (response.IsSuccessStatusCode
                    && JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("version").GetString()!.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        return false;
    }
}
