using System.Net;
using DigitForge.Monitoring;
using DigitForge.Monitoring.Store;

namespace DigitForge.Serve.Tests;

[Trait("Category", "Unit")]
[Collection(ServeModelsCollection.Name)]
public sealed class PredictionLogTests(ServeModels models) : IDisposable
{
    private readonly TempDirectory directory = new();

    [Fact]
    public async Task Requested_mode_records_the_requests_that_ask_and_stores_them_by_shutdown()
    {
        var root = directory.File("models");
        models.CreateRegistry(root);
        await using (var service = await RunningService.StartAsync(RunningService.Options(root) with { PredictionLog = PredictionLogMode.Requested, }))
        {
            var png = models.Digits[0].Png;
            (await service.PostImageAsync("/v1/predict", png)).StatusCode.Should().Be(HttpStatusCode.OK);
            using var asked = new HttpRequestMessage(HttpMethod.Post, "/v1/predict") { Content = new ByteArrayContent(png) };
            asked.Headers.Add(PredictionLogging.Header, "true");
            asked.Headers.Add(PredictionLogging.IdHeader, "scans/0001.png");
            (await service.Client.SendAsync(asked)).StatusCode.Should().Be(HttpStatusCode.OK);
            (await service.Client.PostAsync("/v1/predict/batch?log=true", RunningService.Form(("a.png", png), ("bad.png", png[..40]), ("b.png", models.Digits[1].Png)))).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using var store = SqliteMonitorStore.Open(directory.File(MonitorStores.FileName));
        var logged = store.Predictions("mnist", DateTimeOffset.MaxValue).ToList();
        logged.Should().HaveCount(3, "the request without the header is not recorded, nor the image that could not be read");
        logged[0].Id.Should().Be("scans/0001.png");
        logged[0].InputHash.Should().Be(PredictionRecord.HashOf(models.Digits[0].Png));
        logged.Skip(1).Select(r => r.Id.Split('/')[^1]).Should().Equal("a.png", "b.png");
        logged.Should().OnlyContain(r => r.Source == "serve" && r.ModelVersion.StartsWith("v0001-") && r.Prediction != null && r.Confidence > 0);
    }

    [Fact]
    public async Task Off_mode_opens_no_store()
    {
        var root = directory.File("models");
        models.CreateRegistry(root);
        await using (var service = await RunningService.StartAsync(RunningService.Options(root)))
        {
            using var asked = new HttpRequestMessage(HttpMethod.Post, "/v1/predict?log=true") { Content = new ByteArrayContent(models.Digits[0].Png) };
            (await service.Client.SendAsync(asked)).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        File.Exists(directory.File(MonitorStores.FileName)).Should().BeFalse();
    }

    public void Dispose() => directory.Dispose();
}
