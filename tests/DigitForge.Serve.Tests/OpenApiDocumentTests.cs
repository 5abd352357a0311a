using System.Net;
using System.Text.Json;

namespace DigitForge.Serve.Tests;

/// <summary>The OpenAPI document the service serves is the one checked in, so the checked-in copy stays current.</summary>
[Trait("Category", "Unit")]
public sealed class OpenApiDocumentTests : IDisposable
{
    /// <summary>Set to 1 to rewrite the checked-in document from the service instead of comparing.</summary>
    public const string UpdateVariable = "DIGITFORGE_UPDATE_OPENAPI";

    private readonly TempDirectory directory = new();

    public static string CheckedIn => Path.Combine(ServeModels.RepoRoot(), "docs", "openapi", "serve.v1.json");

    [Fact]
    public async Task The_served_document_is_the_checked_in_one()
    {
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path) with { Root = ServeModels.RepoRoot(), LogRequests = false });
        var response = await service.Client.GetAsync("/openapi/v1.json");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var served = Normalize(await response.Content.ReadAsStringAsync());
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(CheckedIn)!);
            await File.WriteAllTextAsync(CheckedIn, served);
        }

        File.Exists(CheckedIn).Should().BeTrue($"{CheckedIn} is checked in; create it with {UpdateVariable}=1 dotnet test tests/DigitForge.Serve.Tests --filter OpenApiDocumentTests");
        served.Should().Be(Normalize(await File.ReadAllTextAsync(CheckedIn)),
            $"docs/openapi/serve.v1.json must match the service; after changing an endpoint regenerate it with {UpdateVariable}=1 dotnet test tests/DigitForge.Serve.Tests --filter OpenApiDocumentTests and commit it");
    }

    [Fact]
    public async Task The_document_has_real_schemas_and_the_error_responses()
    {
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(CheckedIn));
        var paths = document.RootElement.GetProperty("paths");
        paths.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo("/healthz", "/readyz", "/metrics", "/v1/model", "/v1/predict", "/v1/predict/batch",
            "/v1/mnist/predict", "/v1/mnist/model", "/v1/mnist/feedback", "/v1/hn/predict", "/v1/hn/model", "/v1/hn/feedback",
            "/v1/diabetes/predict", "/v1/diabetes/model", "/v1/diabetes/feedback", "/v1/wine/predict", "/v1/wine/model", "/v1/wine/feedback");
        var story = paths.GetProperty("/v1/hn/predict").GetProperty("post");
        story.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("required").EnumerateArray()
            .Select(f => f.GetString()).Should().Equal("title");
        story.GetProperty("responses").EnumerateObject().Select(r => r.Name).Should().BeEquivalentTo("200", "400", "401", "503");
        story.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties")
            .EnumerateObject().Select(p => p.Name).Should().Equal("predictedComments", "id", "model");
        paths.GetProperty("/v1/hn/feedback").GetProperty("post").GetProperty("responses").EnumerateObject().Select(r => r.Name).Should().BeEquivalentTo("200", "400", "401", "404", "422");
        var wine = paths.GetProperty("/v1/wine/predict").GetProperty("post");
        wine.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("required").EnumerateArray()
            .Should().HaveCount(13).And.Contain(f => f.GetString() == "proline");
        wine.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties")
            .EnumerateObject().Select(p => p.Name).Should().Equal("predicted", "probability", "id", "model");
        paths.GetProperty("/v1/diabetes/feedback").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema")
            .GetProperty("properties").GetProperty("progression").GetProperty("type").GetString().Should().Be("number");
        var predict = paths.GetProperty("/v1/predict").GetProperty("post");
        predict.GetProperty("responses").EnumerateObject().Select(r => r.Name).Should().BeEquivalentTo("200", "400", "401", "413", "415", "422", "503");
        predict.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString()
            .Should().Be("#/components/schemas/Prediction");
        predict.GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(c => c.Name).Should().Contain(["image/png", "multipart/form-data"]);
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        schemas.GetProperty("Prediction").GetProperty("properties").EnumerateObject().Select(p => p.Name).Should().Equal("label", "confidence", "top", "model");
        schemas.GetProperty("BatchResponse").GetProperty("properties").GetProperty("results").GetProperty("items").GetProperty("$ref").GetString()
            .Should().Be("#/components/schemas/BatchResult");
    }

    public void Dispose() => directory.Dispose();

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd() + "\n";
}
