using DigitForge.Engine.Pipelines;

namespace DigitForge.Engine.Tests;

[Trait("Category", "Unit")]
public sealed class PipelinePathsTests
{
    [Fact]
    public void Paths_moved_to_other_artifacts_still_read_the_feedback_snapshots_of_the_first()
    {
        var paths = PipelinePaths.Resolve("/repo", "artifacts", "mnist");

        var scratch = paths with { Artifacts = "/tmp/verify-v0003" };

        paths.Feedback.Should().Be(Path.Combine("/repo", "artifacts", "mnist", "feedback"));
        scratch.Models.Should().StartWith("/tmp/verify-v0003", "a verify builds its stages and models in its scratch folder");
        scratch.Feedback.Should().Be(paths.Feedback, "a version is retrained from the snapshots its recipe names");
    }
}
