using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Kit.Tables;
using DigitForge.Pipelines;
using DigitForge.Tabular;

namespace DigitForge.Serve.Tests;

/// <summary>
/// The recipe-only pipelines served: configs/wine and configs/diabetes built from their ci.json recipes (the stage graph
/// in process, up to Promote) into a registry each, behind the real service on loopback HTTP.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class TabularServeTests(BuiltTabularPipelines built) : IClassFixture<BuiltTabularPipelines>
{
    /// <summary>Rows of each class (wine) and of either sex (diabetes), by their index in the pipeline's CSV.</summary>
    public static TheoryData<string, int[]> Rows => new()
    {
        { "wine", [0, 1, 60, 100, 140, 177] },
        { "diabetes", [0, 1, 2, 150, 300, 441] },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_row_is_predicted_as_the_scorer_predicts_it(string name, int[] picked)
    {
        var declaration = built.Declaration(name);
        var rows = picked.Select(i => built.Rows(name)[i]).ToList();
        var input = built.File($"{name}-input.csv");
        CsvTable.Write(input, declaration.Columns, rows);
        var output = built.File($"{name}-scored.csv");
        new TabularScorer(declaration).Score(new ScoreRequest
        {
            Input = input,
            Output = output,
            Overwrite = true,
            Paths = built.Paths(name),
            ConfigFile = Path.Combine(ServeModels.RepoRoot(), "configs", name, "ci.json"),
            Log = TextWriter.Null,
        }, CancellationToken.None);
        var scored = File.ReadAllLines(output)[1..].Select(line => line.Split(',')[1..]).ToList();
        scored.Should().HaveCount(rows.Count);

        await using var service = await built.StartAsync();
        for (var i = 0; i < rows.Count; i++)
        {
            using var response = await service.Client.PostAsync($"/v1/{name}/predict", Json(Request(declaration, rows[i])));
            var body = await RunningService.JsonAsync(response);
            response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
            string[] served = declaration.IsClassifier
                ? [body.GetProperty("predicted").GetString()!, Float(body.GetProperty("probability")).ToString("0.0000", CultureInfo.InvariantCulture)]
                : [Float(body.GetProperty("predicted")).ToString("0.####", CultureInfo.InvariantCulture)];
            served.Should().Equal(scored[i], $"row {picked[i]} of {name}.csv");
            body.GetProperty("model").GetString().Should().StartWith("v0001-");
        }

        if (name == "wine")
        {
            scored.Select(s => s[0]).Should().Contain(["class_0", "class_1", "class_2"], "the rows span the classes, so a wrong class order shows");
        }
    }

    [Fact]
    public async Task Concurrent_requests_get_the_answers_of_requests_one_at_a_time()
    {
        var wine = built.Declaration("wine");
        var requests = built.Rows("wine").Where((_, i) => i % 6 == 0).Select(row => Request(wine, row).ToJsonString()).ToList();
        await using var service = await built.StartAsync();

        async Task<string> AnswerAsync(string request)
        {
            using var response = await service.Client.PostAsync("/v1/wine/predict", new StringContent(request, Encoding.UTF8, "application/json"));
            var body = await RunningService.JsonAsync(response);
            response.StatusCode.Should().Be(HttpStatusCode.OK, body.ToString());
            return $"{body.GetProperty("predicted").GetString()} {body.GetProperty("probability").GetDouble().ToString("R", CultureInfo.InvariantCulture)}";
        }

        var alone = new List<string>();
        foreach (var request in requests)
        {
            alone.Add(await AnswerAsync(request));
        }

        var together = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var answers = new List<string>();
            foreach (var request in requests)
            {
                answers.Add(await AnswerAsync(request));
            }

            return answers;
        })));

        together.Should().AllSatisfy(answers => answers.Should().Equal(alone));
    }

    [Theory]
    [InlineData("wine", "alcohol", "{}", "alcohol", "alcohol: required, a number")]
    [InlineData("wine", null, """{"alcohol": "13.2"}""", "alcohol", "alcohol: expected a number, got a string")]
    [InlineData("wine", null, """{"proline": null}""", "proline", "proline: required")]
    [InlineData("diabetes", null, """{"sex": 2}""", "sex", "sex: expected a string, got a number")]
    [InlineData("diabetes", null, """{"sex": ""}""", "sex", "sex: empty")]
    [InlineData("diabetes", null, """[59, "sex2"]""", "$", "expected a JSON object")]
    public async Task A_missing_or_ill_typed_feature_gets_a_problem_naming_it(string name, string? absent, string fields, string field, string detail)
    {
        // A complete row with one feature taken out or the case's fields laid over it, so the field named is the only bad one.
        var request = Request(built.Declaration(name), built.Rows(name)[0]);
        if (absent is not null)
        {
            request.Remove(absent);
        }

        var json = fields.StartsWith('[') ? fields : Overlay(request, fields);
        await using var service = await built.StartAsync();

        using var response = await service.Client.PostAsync($"/v1/{name}/predict", new StringContent(json, Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var problem = await RunningService.JsonAsync(response);
        problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Should().Equal(field);
        problem.GetProperty("detail").GetString().Should().Contain(detail);
    }

    [Fact]
    public async Task Feedback_moves_the_live_accuracy_and_the_live_mae()
    {
        await using var service = await built.StartAsync(PredictionLogMode.All);

        // Wine: two outcomes as predicted and one other class: 2 of 3.
        var wine = built.Declaration("wine");
        var answers = new List<(string Id, string Predicted)>();
        foreach (var row in new[] { 2, 70, 150 }.Select(i => built.Rows("wine")[i]))
        {
            var body = await RunningService.JsonAsync(await service.Client.PostAsync("/v1/wine/predict", Json(Request(wine, row))));
            answers.Add((body.GetProperty("id").GetString()!, body.GetProperty("predicted").GetString()!));
        }

        string[] given = [answers[0].Predicted, answers[1].Predicted, wine.Classes!.First(c => c != answers[2].Predicted)];
        for (var i = 0; i < answers.Count; i++)
        {
            var (response, _) = await service.PostFeedbackAsync("/v1/wine/feedback", new Dictionary<string, string> { ["id"] = answers[i].Id, ["cultivar"] = given[i] });
            using (response)
            {
                response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            }
        }

        using var unknown = await service.Client.PostAsJsonAsync("/v1/wine/feedback", new Dictionary<string, string> { ["id"] = answers[0].Id, ["cultivar"] = "class_9" });
        unknown.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await RunningService.JsonAsync(unknown)).GetProperty("errors").EnumerateObject().Single().Name.Should().Be("cultivar");

        // Diabetes: the mean absolute difference of three predictions from the outcomes given.
        var diabetes = built.Declaration("diabetes");
        var predicted = new List<(string Id, double Value)>();
        foreach (var row in new[] { 5, 50, 400 }.Select(i => built.Rows("diabetes")[i]))
        {
            var body = await RunningService.JsonAsync(await service.Client.PostAsync("/v1/diabetes/predict", Json(Request(diabetes, row))));
            predicted.Add((body.GetProperty("id").GetString()!, body.GetProperty("predicted").GetDouble()));
        }

        double[] outcomes = [100, 250, 40];
        for (var i = 0; i < predicted.Count; i++)
        {
            var (response, _) = await service.PostFeedbackAsync("/v1/diabetes/feedback", new Dictionary<string, object> { ["id"] = predicted[i].Id, ["progression"] = outcomes[i] });
            using (response)
            {
                response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            }
        }

        var metrics = await service.Client.GetStringAsync("/metrics");
        var wineVersion = await VersionAsync(service, "wine");
        Gauge(metrics, $"digitforge_live_accuracy{{pipeline=\"wine\",version=\"{wineVersion}\"}}").Should().BeApproximately(2.0 / 3, 1e-9);
        Gauge(metrics, $"digitforge_live_outcomes{{pipeline=\"wine\",version=\"{wineVersion}\"}}").Should().Be(3);
        var mae = predicted.Zip(outcomes, (p, o) => Math.Abs(p.Value - o)).Average();
        Gauge(metrics, $"digitforge_live_mae{{pipeline=\"diabetes\",version=\"{await VersionAsync(service, "diabetes")}\"}}").Should().BeApproximately(mae, 1e-6);
    }

    [Fact]
    public async Task The_model_route_describes_the_version_and_its_fields()
    {
        await using var service = await built.StartAsync();

        using var response = await service.Client.GetAsync("/v1/wine/model");

        var model = await RunningService.JsonAsync(response);
        response.StatusCode.Should().Be(HttpStatusCode.OK, model.ToString());
        model.GetProperty("pipeline").GetString().Should().Be("wine");
        model.GetProperty("version").GetString().Should().StartWith("v0001-");
        model.GetProperty("task").GetString().Should().Be("multiclass");
        model.GetProperty("classes").EnumerateArray().Select(c => c.GetString()).Should().Equal("class_0", "class_1", "class_2");
        model.GetProperty("feedback").GetString().Should().Be("cultivar");
        model.GetProperty("input").EnumerateArray().Select(f => (f.GetProperty("name").GetString()!, f.GetProperty("type").GetString()!))
            .Should().Equal(built.Declaration("wine").Features.Select(f => (f.Name, "number")));
        model.GetProperty("metrics").GetProperty("classification").GetProperty("accuracy").GetDouble().Should().BeGreaterThanOrEqualTo(0.8);
    }

    /// <summary>The request for a CSV row: its features, numbers as JSON numbers; the label left out.</summary>
    private static JsonObject Request(TabularDeclaration declaration, string[] row)
    {
        var request = new JsonObject();
        foreach (var (feature, i) in declaration.Features.Select((f, i) => (f, i)))
        {
            request[feature.Name] = feature.Kind == ColumnKind.Numeric ? double.Parse(row[i], CultureInfo.InvariantCulture) : row[i];
        }

        return request;
    }

    private static string Overlay(JsonObject request, string fields)
    {
        foreach (var (key, value) in JsonNode.Parse(fields)!.AsObject())
        {
            request[key] = value?.DeepClone();
        }

        return request.ToJsonString();
    }

    private static StringContent Json(JsonObject request) => new(request.ToJsonString(), Encoding.UTF8, "application/json");

    private static float Float(JsonElement number) => (float)number.GetDouble();

    private static async Task<string> VersionAsync(RunningService service, string name) =>
        (await RunningService.JsonAsync(await service.Client.GetAsync($"/v1/{name}/model"))).GetProperty("version").GetString()!;

    private static double Gauge(string metrics, string series)
    {
        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        line.Should().NotBeNull($"/metrics should have {series}");
        return double.Parse(line![(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}

/// <summary>configs/wine and configs/diabetes built once from their ci.json recipes into registries under a temporary artifacts folder.</summary>
public sealed class BuiltTabularPipelines : IDisposable
{
    private static readonly string[] Names = ["wine", "diabetes"];
    private readonly TempDirectory directory = new();

    public BuiltTabularPipelines()
    {
        var root = ServeModels.RepoRoot();
        foreach (var name in Names)
        {
            var pipeline = PipelineCatalog.Find(name, root);
            var graph = pipeline.Create(Path.Combine(root, "configs", name, "ci.json"), [], Paths(name), new BuildOptions());
            foreach (var stage in graph.Closure(StageNames.Of(pipeline.PublishingStage!)))
            {
                graph.Run(stage.Name, force: false, new QuietLog());
            }
        }
    }

    public string Artifacts => directory.File("artifacts");

    public string File(string name) => directory.File(name);

    public PipelinePaths Paths(string name) =>
        new(ServeModels.RepoRoot(), Artifacts, name, directory.File("downloads"), directory.File("stage-cache"));

    public TabularDeclaration Declaration(string name) => ((TabularPipeline)PipelineCatalog.Find(name, ServeModels.RepoRoot())).Declaration;

    /// <summary>The rows of the pipeline's source CSV, in its declared columns (features, then the label).</summary>
    public IReadOnlyList<string[]> Rows(string name) =>
        CsvTable.Read(Path.Combine(ServeModels.RepoRoot(), "configs", name, $"{name}.csv"), Declaration(name).Columns).Rows;

    /// <summary>The service over these registries, the tabular pipelines found under the repository's configs/.</summary>
    internal Task<RunningService> StartAsync(PredictionLogMode log = PredictionLogMode.Off) => RunningService.StartAsync(
        RunningService.Options(directory.File("digits")) with { Root = ServeModels.RepoRoot(), Artifacts = Artifacts, LogRequests = false, PredictionLog = log });

    public void Dispose() => directory.Dispose();

    private sealed class QuietLog : IStageLog
    {
        public void Info(string message)
        {
        }

        public void Warning(string message)
        {
        }
    }
}
