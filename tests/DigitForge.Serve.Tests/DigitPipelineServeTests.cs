using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace DigitForge.Serve.Tests;

/// <summary>MNIST through the pipeline routes (/v1/mnist/...): an image as base64 JSON, feedback by the prediction's id, the live accuracy.</summary>
[Trait("Category", "Unit")]
[Collection(ServeModelsCollection.Name)]
public sealed class DigitPipelineServeTests(ServeModels digits) : IDisposable
{
    private readonly TempDirectory directory = new();

    [Fact]
    public async Task Feedback_on_predicted_digits_moves_the_live_accuracy_and_a_label_outside_the_classes_is_refused()
    {
        var artifacts = directory.File("artifacts");
        digits.CreateRegistry(Path.Combine(artifacts, "mnist", "models"));
        await using var service = await RunningService.StartAsync(
            RunningService.Options(Path.Combine(artifacts, "mnist", "models")) with { Artifacts = artifacts, LogRequests = false, PredictionLog = PredictionLogMode.All });

        var predicted = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/mnist/predict") { Content = JsonContent.Create(new { image = Convert.ToBase64String(digits.Digits[i].Png) }) };
            request.Headers.Add(PredictionLogging.IdHeader, $"digit-{i}");
            using var response = await service.Client.SendAsync(request);
            var body = await RunningService.JsonAsync(response);
            response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
            body.GetProperty("id").GetString().Should().Be($"digit-{i}");
            predicted.Add(body.GetProperty("label").GetString()!);
        }

        // Three true labels and one wrong on purpose: the gauge is the share the model got right.
        string[] given = [.. Enumerable.Range(0, 4).Select(i => (i == 3 ? (digits.Digits[i].Label + 1) % 10 : digits.Digits[i].Label).ToString(CultureInfo.InvariantCulture))];
        for (var i = 0; i < given.Length; i++)
        {
            var (response, _) = await service.PostFeedbackAsync("/v1/mnist/feedback", new { id = $"digit-{i}", label = given[i] });
            using (response)
            {
                response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            }
        }

        using var outside = await service.Client.PostAsJsonAsync("/v1/mnist/feedback", new { id = "digit-0", label = "11" });
        outside.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await RunningService.JsonAsync(outside)).GetProperty("errors").EnumerateObject().Single().Name.Should().Be("label");
        using var noImage = await service.Client.PostAsJsonAsync("/v1/mnist/predict", new { image = "not base64!" });
        noImage.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await RunningService.JsonAsync(noImage)).GetProperty("errors").EnumerateObject().Single().Name.Should().Be("image");

        var accuracy = Enumerable.Range(0, 4).Count(i => predicted[i] == given[i]) / 4.0;
        var version = (await RunningService.JsonAsync(await service.Client.GetAsync("/v1/mnist/model"))).GetProperty("version").GetString();
        var metrics = await service.Client.GetStringAsync("/metrics");
        metrics.Should().Contain($"digitforge_live_accuracy{{pipeline=\"mnist\",version=\"{version}\"}} {accuracy.ToString(CultureInfo.InvariantCulture)}\n");
        metrics.Should().Contain("digitforge_feedback_total{pipeline=\"mnist\",result=\"label outside the classes\"} 1\n");
    }

    public void Dispose() => directory.Dispose();
}
