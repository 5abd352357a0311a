using DigitForge.Engine.Config;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;

namespace DigitForge.Cli.Tests;

/// <summary>Every hosted pipeline's declaration, built from its own default recipe as a build would.</summary>
[Trait("Category", "Unit")]
public sealed class PipelineCatalogTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string> Pipelines => [.. PipelineCatalog.In(Repository.Root).Select(p => p.Name)];

    [Fact]
    public void The_seeds_pipelines_are_monitored_and_the_image_tools_log_under_the_MNIST_pipelines_name()
    {
        // The seeds' two; a pipeline added since (docs/add-a-pipeline.md) is monitored when it declares how.
        new IPipelineDefinition[] { new Mnist.MnistPipeline(), new HackerNews.HackerNewsPipeline() }.Should().AllBeAssignableTo<Monitoring.IMonitoredPipeline>();
        Scoring.Pipeline.ScoringRun.Pipeline.Should().Be(new Mnist.MnistPipeline().Name);
        new Mnist.MnistPipeline().Classes.Should().HaveCount(10);
    }

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void Each_pipeline_builds_a_valid_graph_from_its_default_recipe(string name)
    {
        var definition = PipelineCatalog.Find(name, Repository.Root);
        var paths = PipelinePaths.Resolve(Repository.Root, temp.Path, definition.Name);

        var graph = definition.Create(Path.Combine(paths.Root, definition.DefaultConfig), [], paths, new BuildOptions());

        graph.Stages.Should().NotBeEmpty();
        graph.Stages.Should().OnlyContain(s => s.Description.Length > 10);
        if (definition.PublishingStage is { } publishing)
        {
            graph.Closure(StageNames.Of(publishing)).Should().HaveCountGreaterThan(1);
        }

        paths.Stages.Should().Be(Path.Combine(temp.Path, name, "stages"));
    }

    [Fact]
    public void Pipelines_have_distinct_names_and_an_unknown_one_is_refused_listing_them()
    {
        PipelineCatalog.All.Select(p => p.Name).Should().OnlyHaveUniqueItems();
        PipelineCatalog.Find("MNIST").Name.Should().Be("mnist");

        var act = () => PipelineCatalog.Find("cifar");

        act.Should().Throw<ConfigException>().WithMessage($"unknown pipeline 'cifar'; pipelines are: {string.Join(", ", PipelineCatalog.All.Select(p => p.Name))}");
    }

    [Fact]
    public void Each_configs_folder_with_a_pipeline_json_is_a_tabular_pipeline_read_when_used()
    {
        var root = temp.File("repo");
        Directory.CreateDirectory(Path.Combine(root, "configs", "plain"));
        Directory.CreateDirectory(Path.Combine(root, "configs", "rows"));
        Directory.CreateDirectory(Path.Combine(root, "configs", "broken"));
        File.WriteAllText(Path.Combine(root, "configs", "rows", "pipeline.json"), File.ReadAllText(Path.Combine(Repository.Root, "configs", "wine", "pipeline.json")));
        File.WriteAllText(Path.Combine(root, "configs", "broken", "pipeline.json"), """{ "task": "colour" }""");

        var pipelines = PipelineCatalog.With(null, root);

        pipelines.Select(p => p.Name).Should().Equal([.. PipelineCatalog.BuiltIn.Select(p => p.Name), "broken", "rows"]);
        pipelines.Single(p => p.Name == "rows").ClassNames.Should().Equal("class_0", "class_1", "class_2");
        FluentActions.Invoking(() => pipelines.Single(p => p.Name == "broken").Description).Should().Throw<ConfigException>()
            .WithMessage("*broken*pipeline.json: invalid config:*'task': expected one of binary, multiclass, regression, got \"colour\"*", "a broken declaration stops only its own pipeline, when it is used");
        PipelineCatalog.In(Repository.Root).Select(p => p.Name).Should().Contain(["wine", "diabetes"]);
    }

    [Fact]
    public void Assemblies_in_the_variable_add_their_pipelines_after_the_built_in_ones()
    {
        var toy = Path.Combine(AppContext.BaseDirectory, "DigitForge.ToyPipeline.dll");

        PipelineCatalog.With(toy).Select(p => p.Name).Should().Equal([.. PipelineCatalog.BuiltIn.Select(p => p.Name), "toy"]);
        PipelineCatalog.With(null).Should().Equal(PipelineCatalog.BuiltIn);
    }

    [Fact]
    public void A_pipeline_named_twice_or_an_assembly_without_one_is_refused_naming_it()
    {
        var toy = Path.Combine(AppContext.BaseDirectory, "DigitForge.ToyPipeline.dll");
        var engine = typeof(IPipelineDefinition).Assembly.Location;

        var twice = () => PipelineCatalog.With(toy + Path.PathSeparator + toy);
        var none = () => PipelineCatalog.With(engine);

        twice.Should().Throw<ConfigException>().WithMessage("DIGITFORGE_PIPELINE_ASSEMBLIES: pipeline 'toy' is declared twice (DigitForge.ToyPipeline.ToyPipeline, DigitForge.ToyPipeline.ToyPipeline)");
        none.Should().Throw<ConfigException>().WithMessage($"DIGITFORGE_PIPELINE_ASSEMBLIES: {engine} declares no public pipeline*");
    }
}
