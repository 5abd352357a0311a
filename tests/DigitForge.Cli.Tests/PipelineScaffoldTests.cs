using DigitForge.Cli.Pipelines;
using DigitForge.Engine.Config;

namespace DigitForge.Cli.Tests;

/// <summary>
/// <c>digitforge new-pipeline</c> on a small repository made of the real one's templates and the files it edits: what
/// it writes and registers, and that a refused name or a failed write leaves every file as it was.
/// The templates compile, test and build in <c>AddAPipelineDocTests</c> (tests/DigitForge.EndToEnd.Tests).
/// </summary>
[Trait("Category", "Unit")]
public sealed class PipelineScaffoldTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public PipelineScaffoldTests()
    {
        var repository = RepositoryRoot();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(repository, PipelineScaffold.Templates), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(repository, f))
            .Concat([PipelineScaffold.Solution, PipelineScaffold.CatalogProject, PipelineScaffold.Catalog]))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(temp.File(file))!);
            File.Copy(Path.Combine(repository, file), temp.File(file));
        }

        Directory.CreateDirectory(temp.File("src/DigitForge.Engine"));
        Directory.CreateDirectory(temp.File("configs/mnist"));
        Directory.CreateDirectory(temp.File("tests"));
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_new_pipeline_gets_its_projects_and_recipes_and_one_line_in_each_registry()
    {
        var before = Snapshot();

        PipelineScaffold.Plan(temp.Path, "demand").Commit();

        var after = Snapshot();
        after.Keys.Except(before.Keys).Should().BeEquivalentTo(
            "configs/demand/ci.json", "configs/demand/default.json",
            "src/DigitForge.Demand/DigitForge.Demand.csproj", "src/DigitForge.Demand/DemandConfig.cs", "src/DigitForge.Demand/DemandPipeline.cs",
            "src/DigitForge.Demand/LineModel.cs", "src/DigitForge.Demand/Points.cs",
            "src/DigitForge.Demand/Stages/EvaluateStage.cs", "src/DigitForge.Demand/Stages/GenerateStage.cs", "src/DigitForge.Demand/Stages/TrainStage.cs",
            "tests/DigitForge.Demand.Tests/DigitForge.Demand.Tests.csproj", "tests/DigitForge.Demand.Tests/TrainStageTests.cs");
        after.Where(f => !before.ContainsKey(f.Key)).Should().OnlyContain(f => !f.Value.Contains("__Name__") && !f.Value.Contains("__name__"));
        after["src/DigitForge.Demand/DemandPipeline.cs"].Should().Contain("public sealed class DemandPipeline : PipelineDefinition<DemandConfig>")
            .And.Contain("public override string Name => \"demand\";");

        AddedLines(before, after, PipelineScaffold.Catalog).Should().Equal("        new Demand.DemandPipeline(),");
        after[PipelineScaffold.Catalog].Should().Contain("        new Demand.DemandPipeline(),\n    ];", "the new pipeline is the list's last line");
        AddedLines(before, after, PipelineScaffold.CatalogProject).Should().Equal("    <ProjectReference Include=\"../DigitForge.Demand/DigitForge.Demand.csproj\" />");
        var project = SolutionFile.IdOf("src/DigitForge.Demand/DigitForge.Demand.csproj");
        AddedLines(before, after, PipelineScaffold.Solution).Should().Contain(
        [
            $"Project(\"{{FAE04EC0-301F-11D3-BF4B-00C04F79EFBC}}\") = \"DigitForge.Demand\", \"src\\DigitForge.Demand\\DigitForge.Demand.csproj\", \"{project}\"",
            $"\t\t{project}.Release|Any CPU.Build.0 = Release|Any CPU",
            $"\t\t{project} = {{827E0CD3-B72D-47B6-A68D-7590B98EB39B}}",
        ]).And.HaveCount(2 * (1 + 12 + 1), "each project gets its line, twelve configurations and its nesting (Except leaves out EndProject, which is there already)");
        File.ReadAllBytes(temp.File(PipelineScaffold.Solution))[..3].Should().Equal([0xEF, 0xBB, 0xBF], "the solution keeps its byte order mark");
        Directory.EnumerateDirectories(temp.File("build/bin")).Should().BeEmpty("the staging folder is gone");
    }

    [Theory]
    [InlineData("Demand", "--name 'Demand': a pipeline's name is a lower-case identifier*")]
    [InlineData("2nd", "--name '2nd': a pipeline's name is a lower-case identifier*")]
    [InlineData("de-mand", "--name 'de-mand': a pipeline's name is a lower-case identifier*")]
    [InlineData("hn", "--name 'hn': pipeline hn exists (DigitForge.HackerNews.HackerNewsPipeline)")]
    [InlineData("engine", "--name 'engine': src/DigitForge.Engine exists")]
    [InlineData("mnist", "--name 'mnist': pipeline mnist exists*")]
    public void A_name_that_is_no_lower_case_identifier_or_is_taken_is_refused_naming_it(string name, string message)
    {
        var before = Snapshot();

        FluentActions.Invoking(() => PipelineScaffold.Plan(temp.Path, name)).Should().Throw<ConfigException>().WithMessage(message);

        Snapshot().Should().BeEquivalentTo(before);
    }

    [Fact]
    public void A_catalogue_without_its_one_pipeline_a_line_list_is_refused_before_anything_is_written()
    {
        File.WriteAllText(temp.File(PipelineScaffold.Catalog), File.ReadAllText(temp.File(PipelineScaffold.Catalog)).Replace("\n        new Mnist.MnistPipeline(),\n", " new Mnist.MnistPipeline(),", StringComparison.Ordinal));
        var before = Snapshot();

        FluentActions.Invoking(() => PipelineScaffold.Plan(temp.Path, "demand")).Should().Throw<InvalidDataException>().WithMessage($"{PipelineScaffold.Catalog}: no BuiltIn list*");

        Snapshot().Should().BeEquivalentTo(before);
    }

    [Fact]
    public void A_move_that_fails_takes_back_every_folder_moved_and_file_replaced_before_it()
    {
        File.WriteAllText(temp.File("edited.txt"), "before");
        var change = new RepositoryChange(temp.Path);
        change.Create("configs/a/1.txt", "one");
        change.Edit("edited.txt", "after");
        change.Create("tests/b/2.txt", "two");
        // Made after the change was planned, as by a second command at once: the second folder's move fails.
        Directory.CreateDirectory(temp.File("tests/b/taken"));
        var before = Snapshot();

        FluentActions.Invoking(change.Commit).Should().Throw<IOException>();

        Snapshot().Should().BeEquivalentTo(before);
        Directory.Exists(temp.File("configs/a")).Should().BeFalse();
        Directory.EnumerateDirectories(temp.File("build/bin")).Should().BeEmpty();
    }

    private Dictionary<string, string> Snapshot() =>
        Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(temp.Path, f).Replace('\\', '/'), File.ReadAllText);

    private static IEnumerable<string> AddedLines(Dictionary<string, string> before, Dictionary<string, string> after, string file) =>
        after[file].Split('\n').Except(before[file].Split('\n'));

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "DigitForge.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("DigitForge.sln not found above the test's folder");
        }

        return directory.FullName;
    }
}
