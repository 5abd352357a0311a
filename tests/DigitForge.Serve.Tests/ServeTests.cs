using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace DigitForge.Serve.Tests;

[Trait("Category", "Unit")]
[Collection(ServeModelsCollection.Name)]
public sealed class ServeTests(ServeModels models) : IAsyncLifetime
{
    private readonly TempDirectory directory = new();
    private RunningService service = null!;

    public async Task InitializeAsync()
    {
        models.CreateRegistry(directory.Path);
        service = await RunningService.StartAsync(RunningService.Options(directory.Path));
    }

    public async Task DisposeAsync()
    {
        await service.DisposeAsync();
        directory.Dispose();
    }

    [Fact]
    public async Task Health_and_readiness_answer()
    {
        var health = await service.Client.GetAsync("/healthz");
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        var ready = await service.Client.GetAsync("/readyz");
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        (await RunningService.JsonAsync(ready)).GetProperty("model").GetString().Should().StartWith("v0001-");
    }

    [Fact]
    public async Task A_raw_png_body_is_predicted_by_the_production_model()
    {
        var correct = 0;
        foreach (var (png, label) in models.Digits)
        {
            var response = await service.PostImageAsync("/v1/predict", png);
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            var json = await RunningService.JsonAsync(response);
            json.GetProperty("model").GetString().Should().StartWith("v0001-");
            var confidence = json.GetProperty("confidence").GetDouble();
            confidence.Should().BeInRange(0, 1);
            var top = json.GetProperty("top").EnumerateArray().ToList();
            top.Should().HaveCount(3);
            top[0].GetProperty("label").GetString().Should().Be(json.GetProperty("label").GetString());
            top[0].GetProperty("p").GetDouble().Should().Be(confidence);
            top.Select(t => t.GetProperty("p").GetDouble()).Should().BeInDescendingOrder();
            correct += json.GetProperty("label").GetString() == label.ToString(System.Globalization.CultureInfo.InvariantCulture) ? 1 : 0;
        }

        correct.Should().BeGreaterThanOrEqualTo(15, "a model trained for an epoch gets most test digits right");
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("application/x-www-form-urlencoded")] // curl --data-binary @digit.png
    [InlineData("image/jpeg")] // the content, not the label, decides
    public async Task A_raw_body_is_read_whatever_its_content_type(string contentType)
    {
        var response = await service.PostImageAsync("/v1/predict", models.Digits[0].Png, contentType);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_multipart_form_with_one_image_is_predicted()
    {
        var response = await service.Client.PostAsync("/v1/predict", RunningService.Form(("digit.png", models.Digits[0].Png)));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await RunningService.JsonAsync(response)).GetProperty("top").GetArrayLength().Should().Be(3);
    }

    [Fact]
    public async Task A_batch_gives_one_result_or_one_error_per_image()
    {
        var truncated = models.Digits[2].Png[..40];
        var response = await service.Client.PostAsync("/v1/predict/batch", RunningService.Form(
            ("a.png", models.Digits[0].Png), ("bad.png", truncated), ("text.txt", Encoding.UTF8.GetBytes("hello")), ("b.png", models.Digits[1].Png)));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var json = await RunningService.JsonAsync(response);
        json.GetProperty("count").GetInt32().Should().Be(4);
        json.GetProperty("failed").GetInt32().Should().Be(2);
        var results = json.GetProperty("results").EnumerateArray().ToList();
        results.Select(r => r.GetProperty("file").GetString()).Should().Equal("a.png", "bad.png", "text.txt", "b.png");
        results[0].GetProperty("prediction").GetProperty("label").GetString().Should().NotBeNullOrEmpty();
        results[1].GetProperty("error").GetProperty("status").GetInt32().Should().Be(422);
        results[2].GetProperty("error").GetProperty("status").GetInt32().Should().Be(415);
        results[3].GetProperty("prediction").GetProperty("model").GetString().Should().StartWith("v0001-");
    }

    [Fact]
    public async Task The_model_endpoint_describes_version_metrics_and_input_contract()
    {
        var json = await RunningService.JsonAsync(await service.Client.GetAsync("/v1/model"));
        json.GetProperty("version").GetString().Should().StartWith("v0001-");
        json.GetProperty("onnxVersion").GetString().Should().Be("serve-tests-1");
        json.GetProperty("metrics").GetProperty("accuracy").GetDouble().Should().Be(0.91);
        json.GetProperty("created").GetDateTimeOffset().Should().BeAfter(DateTimeOffset.UtcNow.AddHours(-1));
        var input = json.GetProperty("input");
        input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(1, 28, 28);
        input.GetProperty("maxRequestBytes").GetInt64().Should().Be(256 << 10);
        input.GetProperty("labels").GetArrayLength().Should().Be(10);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_counters_and_a_latency_histogram()
    {
        await service.PostImageAsync("/v1/predict", models.Digits[0].Png);
        await service.PostImageAsync("/v1/predict", Encoding.UTF8.GetBytes("not an image"));
        var response = await service.Client.GetAsync("/metrics");
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        var text = await response.Content.ReadAsStringAsync();
        text.Should().Contain("digitforge_http_requests_total{method=\"POST\",route=\"/v1/predict\",status=\"200\"} 1");
        text.Should().Contain("digitforge_http_requests_total{method=\"POST\",route=\"/v1/predict\",status=\"415\"} 1");
        text.Should().Contain("digitforge_http_errors_total 1");
        text.Should().Contain("# TYPE digitforge_http_request_duration_seconds histogram");
        text.Should().Contain("digitforge_http_request_duration_seconds_bucket{le=\"+Inf\"} 2");
        text.Should().MatchRegex("digitforge_model_info\\{version=\"v0001-[0-9a-f]+\"");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var big = new byte[300 << 10];
        models.Digits[0].Png.CopyTo(big, 0);
        var image = new ByteArrayContent(big);
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        await ExpectProblem(await Send("/v1/predict", image), 413);
        await ExpectProblem(await Send("/v1/predict/batch", RunningService.Form(("big.png", big))), 413);

        // Without a declared length too (chunked upload).
        var chunked = new StreamContent(new MemoryStream(big));
        chunked.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        await ExpectProblem(await Send("/v1/predict", chunked, chunkedTransfer: true), 413);
    }

    // The service answers 413 and closes the connection while a client may still be writing the body,
    // which a busy machine turns into a broken pipe; with Expect: 100-continue the client waits for
    // the service's word before it sends the body, as clients of large uploads do.
    private Task<HttpResponseMessage> Send(string path, HttpContent content, bool chunkedTransfer = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.ExpectContinue = true;
        request.Headers.TransferEncodingChunked = chunkedTransfer;
        return service.Client.SendAsync(request);
    }

    [Fact]
    public async Task An_unsupported_image_is_415_with_the_reason()
    {
        var problem = await ExpectProblem(await service.PostImageAsync("/v1/predict", Encoding.UTF8.GetBytes("hello, world"), "text/plain"), 415);
        problem.GetProperty("detail").GetString().Should().Contain("not a PNG, JPEG, BMP or GIF");
        await ExpectProblem(await service.PostImageAsync("/v1/predict/batch", models.Digits[0].Png), 415);
    }

    [Fact]
    public async Task A_corrupt_image_is_422_with_the_reason()
    {
        var problem = await ExpectProblem(await service.PostImageAsync("/v1/predict", models.Digits[0].Png[..30]), 422);
        problem.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        (await ExpectProblem(await service.PostImageAsync("/v1/predict", []), 422)).GetProperty("detail").GetString().Should().Contain("empty");
    }

    [Fact]
    public async Task A_decompression_bomb_is_refused_from_its_header_with_422()
    {
        var bomb = PngHeaderOnly(50_000, 50_000);
        var problem = await ExpectProblem(await service.PostImageAsync("/v1/predict", bomb), 422);
        problem.GetProperty("detail").GetString().Should().Contain("over the limit").And.Contain("not decoded");
    }

    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await ExpectProblem(await service.Client.GetAsync("/v2/nothing"), 404);
        await ExpectProblem(await service.Client.GetAsync("/v1/predict"), 405);
    }

    internal static async Task<JsonElement> ExpectProblem(HttpResponseMessage response, int status)
    {
        ((int)response.StatusCode).Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContain(" at DigitForge").And.NotContain("Exception");
        var json = JsonDocument.Parse(text).RootElement.Clone();
        json.GetProperty("status").GetInt32().Should().Be(status);
        json.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
        return json;
    }

    /// <summary>A structurally whole PNG (IHDR, a scrap of IDAT, IEND) whose header declares a huge image.</summary>
    private static byte[] PngHeaderOnly(int width, int height)
    {
        var file = new MemoryStream();
        file.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9]) = (8, 0);
        Chunk(file, "IHDR", header);
        Chunk(file, "IDAT", new byte[64]);
        Chunk(file, "IEND", []);
        return file.ToArray();
    }

    private static void Chunk(MemoryStream file, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        file.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        file.Write(typed);
        var crc = 0xFFFFFFFFu;
        foreach (var b in typed)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        var sum = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sum, ~crc);
        file.Write(sum);
    }
}
