using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DigitForge.Engine.Hashing;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Tests;
using DigitForge.Registry;
using DigitForge.Registry.Store;

namespace DigitForge.Serve.Tests;

/// <summary>
/// The Hacker News pipeline served beside the digit routes: a small model trained once on sample stories, registered
/// twice in a real registry folder (artifacts/hn/models), behind the real service on loopback HTTP.
/// </summary>
[Trait("Category", "Unit")]
[Collection(ServeModelsCollection.Name)]
public sealed class HackerNewsServeTests(ServeModels digits, TrainedModel trained) : IClassFixture<TrainedModel>, IDisposable
{
    private readonly TempDirectory directory = new();

    private string Artifacts => directory.File("artifacts");

    private string Models => Path.Combine(Artifacts, "hn", "models");

    [Fact]
    public async Task A_story_is_predicted_as_the_batch_scorer_predicts_it_and_the_old_routes_still_answer()
    {
        var first = AddVersion("first");
        Promote(first);
        digits.CreateRegistry(Path.Combine(Artifacts, "mnist", "models"));
        await using var service = await StartAsync();

        var story = trained.Test[0];
        using var response = await service.Client.PostAsJsonAsync("/v1/hn/predict", new { id = story.Id, title = story.Title, url = story.Url, time = story.CreatedAt.ToUnixTimeSeconds(), by = story.Author });
        var body = await RunningService.JsonAsync(response);
        response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
        var expected = NewsPredictor.Load(trained.FeaturizerPath, trained.TrainDirectory).Predict([SubmittedStory.From(story)])[0];
        body.GetProperty("predictedComments").GetDouble().Should().BeApproximately(expected, 1e-4);
        body.GetProperty("id").GetString().Should().Be(story.Id.ToString(CultureInfo.InvariantCulture));
        body.GetProperty("model").GetString().Should().StartWith("v0001-");

        var model = await RunningService.JsonAsync(await service.Client.GetAsync("/v1/hn/model"));
        model.GetProperty("pipeline").GetString().Should().Be("hn");
        model.GetProperty("feedback").GetString().Should().Be("comments");

        // The digit routes of before, over --models-root.
        using var digit = await service.PostImageAsync("/v1/predict", digits.Digits[0].Png);
        digit.StatusCode.Should().Be(HttpStatusCode.OK);
        (await service.Client.GetAsync("/v1/model")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"url": "https://example.com"}""", "title", 400)]
    [InlineData("""{"title": "Show HN: a tool", "time": "yesterday"}""", "time", 400)]
    [InlineData("""{"title": "Show HN: a tool", "id": -3}""", "id", 400)]
    [InlineData("""not json""", "$", 400)]
    public async Task A_bad_story_gets_a_problem_naming_the_field(string json, string field, int status)
    {
        Promote(AddVersion("first"));
        await using var service = await StartAsync();

        using var response = await service.Client.PostAsync("/v1/hn/predict", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        ((int)response.StatusCode).Should().Be(status);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await RunningService.JsonAsync(response);
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Should().Equal(field);
        problem.GetProperty("detail").GetString().Should().Contain(field == "$" ? "JSON" : field);
    }

    [Fact]
    public async Task Promotion_and_rollback_swap_the_model_under_a_stream_of_requests_that_fails_none()
    {
        var first = AddVersion("first");
        var second = AddVersion("second");
        Promote(first);
        await using var service = await StartAsync();

        var failures = new ConcurrentQueue<string>();
        var seen = new ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (var i = c; !stop.IsCancellationRequested; i += 4)
            {
                var story = trained.Test[i % trained.Test.Count];
                try
                {
                    using var response = await service.Client.PostAsJsonAsync("/v1/hn/predict", new { title = story.Title, url = story.Url });
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        failures.Enqueue($"{(int)response.StatusCode}: {text}");
                        continue;
                    }

                    seen.AddOrUpdate(JsonDocument.Parse(text).RootElement.GetProperty("model").GetString()![..5], 1, (_, n) => n + 1);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    failures.Enqueue(ex.Message);
                }
            }
        })).ToArray();

        await Task.Delay(300);
        Promote(second);
        await ServedAsync(service, "v0002-");
        new ModelRegistry(new ModelStore(Models)).Rollback();
        await ServedAsync(service, "v0001-");
        await Task.Delay(200);
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        failures.Should().BeEmpty();
        seen.Keys.Should().Contain("v0001").And.Contain("v0002");
        var metrics = await service.Client.GetStringAsync("/metrics");
        metrics.Should().Contain("digitforge_pipeline_model_info{pipeline=\"hn\",version=\"" + (await VersionAsync(service)) + "\"} 1");
    }

    [Fact]
    public async Task Feedback_records_the_outcome_and_moves_the_live_mae_and_a_refused_one_is_counted()
    {
        Promote(AddVersion("first"));
        await using var service = await StartAsync(PredictionLogMode.All);

        var predicted = new List<double>();
        foreach (var id in new[] { 11, 12, 13 })
        {
            var story = trained.Test[id];
            var body = await RunningService.JsonAsync(await service.Client.PostAsJsonAsync("/v1/hn/predict", new { id, title = story.Title, url = story.Url }));
            predicted.Add(body.GetProperty("predictedComments").GetDouble());
        }

        var outcomes = new[] { 10, 0, 3 };
        var unknownIds = 0;
        for (var i = 0; i < outcomes.Length; i++)
        {
            var (response, notFound) = await service.PostFeedbackAsync("/v1/hn/feedback", new { id = (11 + i).ToString(CultureInfo.InvariantCulture), comments = outcomes[i] });
            using (response)
            {
                response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            }

            unknownIds += notFound;
        }

        using var unknown = await service.Client.PostAsJsonAsync("/v1/hn/feedback", new { id = "999", comments = 4 });
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await RunningService.JsonAsync(unknown)).GetProperty("errors").EnumerateObject().Single().Name.Should().Be("id");
        using var notNumber = await service.Client.PostAsJsonAsync("/v1/hn/feedback", new { id = "11", comments = "many" });
        notNumber.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await RunningService.JsonAsync(notNumber)).GetProperty("errors").EnumerateObject().Single().Name.Should().Be("comments");

        var mae = (Math.Abs(predicted[0] - 10) + Math.Abs(predicted[1] - 0) + Math.Abs(predicted[2] - 3)) / 3;
        var metrics = await service.Client.GetStringAsync("/metrics");
        var version = await VersionAsync(service);
        Gauge(metrics, $"digitforge_live_mae{{pipeline=\"hn\",version=\"{version}\"}}").Should().BeApproximately(mae, 1e-6);
        Gauge(metrics, $"digitforge_live_outcomes{{pipeline=\"hn\",version=\"{version}\"}}").Should().Be(3);
        Gauge(metrics, "digitforge_feedback_total{pipeline=\"hn\",result=\"unknown id (never predicted)\"}").Should().Be(unknownIds + 1);
        Gauge(metrics, "digitforge_feedback_total{pipeline=\"hn\",result=\"value not a number\"}").Should().Be(1);

        // Recorded where digitforge feedback and outcomes record theirs.
        using var store = Monitoring.Store.MonitorStores.Open(Path.Combine(Artifacts, "hn"), null);
        store.Outcomes("hn").Values.Select(o => (o.Id, o.Value, o.Source)).Should().BeEquivalentTo(
            [("11", (double?)10, "serve"), ("12", (double?)0, "serve"), ("13", (double?)3, "serve")]);
    }

    public void Dispose() => directory.Dispose();

    private Task<RunningService> StartAsync(PredictionLogMode log = PredictionLogMode.Off) => RunningService.StartAsync(
        RunningService.Options(Path.Combine(Artifacts, "mnist", "models")) with { Artifacts = Artifacts, LogRequests = false, PredictionLog = log });

    /// <summary>Registers a version of the trained model (the seed makes each one a new version); returns its number.</summary>
    private int AddVersion(string seed)
    {
        
        var version = new ModelStore(Models).Add(ContentHash.OfText(seed), folder =>
        {
            File.Copy(trained.FeaturizerPath, Path.Combine(folder, Featurizer.ModelFile));
            foreach (var file in Directory.GetFiles(trained.TrainDirectory))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }
        }, new Newtonsoft.Json.Linq.JObject()).Version;
        new ModelRegistry(new ModelStore(Models)).Register(version, new ModelMetrics(null, null, null, "test-set", new Dictionary<string, double> { ["mae"] = 3.5 }));
        return version.Number;
    }

    private void Promote(int version) => new ModelRegistry(new ModelStore(Models)).Promote(version, new Registry.Gate.GateDecision([new Registry.Gate.GateCheck("test", true, "passes")]));

    private static async Task<string> VersionAsync(RunningService service) =>
        (await RunningService.JsonAsync(await service.Client.GetAsync("/v1/hn/model"))).GetProperty("version").GetString()!;

    private static async Task ServedAsync(RunningService service, string prefix)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(await VersionAsync(service)).StartsWith(prefix, StringComparison.Ordinal))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"{prefix} should be served after the registry changed");
            await Task.Delay(50);
        }
    }

    private static double Gauge(string metrics, string series)
    {
        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        line.Should().NotBeNull($"/metrics should have {series}");
        return double.Parse(line![(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
