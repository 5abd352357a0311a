using DigitForge.Cli.Pipelines;

namespace DigitForge.Cli.Tests;

[Trait("Category", "Unit")]
public sealed class LegacyLayoutTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void An_old_artifacts_folder_is_moved_into_the_mnist_folder_whole()
    {
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(temp.File("models/v0001-abc1234")).FullName, "model.onnx"), "onnx");
        File.WriteAllText(temp.File("models/registry.json"), "{}");
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(temp.File("stages/Train")).FullName, "model.weights"), "w");
        var log = new StringWriter();

        LegacyLayout.MoveIntoPipelineFolder(temp.Path, temp.File("mnist"), log);

        File.ReadAllText(temp.File("mnist/models/v0001-abc1234/model.onnx")).Should().Be("onnx");
        File.Exists(temp.File("mnist/models/registry.json")).Should().BeTrue();
        File.Exists(temp.File("mnist/stages/Train/model.weights")).Should().BeTrue();
        Directory.Exists(temp.File("models")).Should().BeFalse();
        log.ToString().Should().Contain("moved").And.Contain("models");
    }

    [Fact]
    public void A_folder_already_in_the_new_layout_is_left_alone()
    {
        Directory.CreateDirectory(temp.File("mnist/models"));
        Directory.CreateDirectory(temp.File("models"));

        LegacyLayout.MoveIntoPipelineFolder(temp.Path, temp.File("mnist"), TextWriter.Null);

        Directory.Exists(temp.File("models")).Should().BeTrue("a pipeline folder exists, so nothing is guessed");
    }
}
