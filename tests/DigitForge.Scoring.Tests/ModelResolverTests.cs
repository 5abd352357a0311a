using DigitForge.Registry.Store;
using DigitForge.Scoring.Models;

namespace DigitForge.Scoring.Tests;

[Trait("Category", "Unit")]
public sealed class ModelResolverTests
{
    [Fact]
    public void Production_IsTheRegistrysProductionVersion()
    {
        using var dir = new TempDirectory();
        var registry = new TestRegistry(dir.Path);
        registry.Add([1], "first", promote: true);
        var second = registry.Add([2], "second", promote: true);
        registry.Add([3], "third");

        var resolved = ModelResolver.Resolve("production", dir.Path);

        resolved.Should().BeEquivalentTo(new { second.OnnxPath, Description = $"production {second.Name} (fp32)" });
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("V0001")]
    [InlineData("1")]
    public void Version_IsThatRegisteredVersion_NamedAsEveryModelsCommandNamesIt(string name)
    {
        using var dir = new TempDirectory();
        var registry = new TestRegistry(dir.Path);
        var first = registry.Add([1], "first");
        registry.Add([2], "second", promote: true);

        ModelResolver.Resolve(name, dir.Path).OnnxPath.Should().Be(first.OnnxPath);
        ModelResolver.Resolve(first.Name, dir.Path).OnnxPath.Should().Be(first.OnnxPath, "the folder name works too");
    }

    [Fact]
    public void FolderNameWithAnotherHash_IsRefusedNamingTheRealOne()
    {
        using var dir = new TempDirectory();
        var first = new TestRegistry(dir.Path).Add([1], "first");

        var act = () => ModelResolver.Resolve("v0001-0000000", dir.Path);

        act.Should().Throw<ScoringSetupException>().WithMessage($"version 1 is {first.Name}, not v0001-0000000");
    }

    [Fact]
    public void Path_IsTheFile()
    {
        using var dir = new TempDirectory();
        var path = ImageFiles.Write(dir.Path, "my model.onnx", [1]);

        ModelResolver.Resolve(path, "no-registry-needed").Should().Be(new ResolvedModel(path, path));
    }

    [Fact]
    public void UnknownVersion_NamesTheKnownOnes()
    {
        using var dir = new TempDirectory();
        var registry = new TestRegistry(dir.Path);
        var first = registry.Add([1], "first", promote: true);

        var act = () => ModelResolver.Resolve("v7", dir.Path);

        act.Should().Throw<ScoringSetupException>().WithMessage($"*version 7 is not registered; known versions: {first.Name}*")
            .Which.Problem.Should().Be(SetupProblem.Input);
    }

    [Fact]
    public void NoRegistry_SaysWhereItLookedAndWhatToDo()
    {
        using var dir = new TempDirectory();

        var act = () => ModelResolver.Resolve("production", dir.File("models"));

        act.Should().Throw<ScoringSetupException>().WithMessage($"no model registry at {dir.File("models/registry.json")}; run ./build.sh --target=Promote*");
    }

    [Fact]
    public void NoProductionVersion_SaysSo()
    {
        using var dir = new TempDirectory();
        new TestRegistry(dir.Path).Add([1], "first");

        var act = () => ModelResolver.Resolve("production", dir.Path);

        act.Should().Throw<ScoringSetupException>().WithMessage("*registry.json has no production model yet*");
    }

    [Fact]
    public void VersionWithoutOnnx_SaysItPredatesTheExport()
    {
        using var dir = new TempDirectory();
        var version = new TestRegistry(dir.Path).Add(onnx: null, "old", promote: true);

        var act = () => ModelResolver.Resolve("production", dir.Path);

        act.Should().Throw<ScoringSetupException>().WithMessage($"{version.Name} has no model.onnx*");
    }

    [Fact]
    public void TamperedVersion_IsRefused()
    {
        using var dir = new TempDirectory();
        var version = new TestRegistry(dir.Path).Add([1, 2, 3], "first", promote: true);
        File.WriteAllBytes(version.OnnxPath, [9, 9, 9]);

        var act = () => ModelResolver.Resolve("production", dir.Path);

        act.Should().Throw<ScoringSetupException>().WithMessage($"*{ModelVersion.OnnxFileName} modified*");
    }

    [Theory]
    [InlineData("missing.onnx", "--model: no such file *missing.onnx")]
    [InlineData("latest", "--model 'latest': expected 'production', a version such as v3, or the path of an .onnx file*")]
    public void OtherText_IsExplained(string model, string message)
    {
        using var dir = new TempDirectory();

        FluentActions.Invoking(() => ModelResolver.Resolve(model, dir.Path)).Should().Throw<ScoringSetupException>().WithMessage(message);
    }
}
