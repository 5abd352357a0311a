using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Records;
using DigitForge.Engine.Stages;

namespace DigitForge.Engine.Tests;

/// <summary>The graph a pipeline declares: order and upstreams derived from typed dependencies, mistakes named.</summary>
[Trait("Category", "Unit")]
public sealed class PipelineDeclarationTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Stage_names_come_from_their_types()
    {
        StageNames.Of<RepeatStage>().Should().Be("Repeat");
        ((IStage)new CountStage()).Name.Should().Be("Count");
        StageDependency.On<RepeatStage>("out.txt").StageName.Should().Be("Repeat");
    }

    [Fact]
    public void Stages_declared_in_any_order_are_run_in_dependency_order()
    {
        var graph = new StageGraph("test", [new CountStage(), new RepeatStage(temp.File("source.txt"))], Store());

        graph.Stages.Select(s => s.Name).Should().Equal("Repeat", "Count");
        graph.Upstreams("Count").Select(s => s.Name).Should().Equal("Repeat");
        graph.Closure("Count").Select(s => s.Name).Should().Equal("Repeat", "Count");
        graph.Closure("Repeat").Select(s => s.Name).Should().Equal("Repeat");
    }

    [Fact]
    public void A_dependency_on_a_stage_the_pipeline_lacks_is_refused_with_both_names()
    {
        var act = () => new StageGraph("test", [new CountStage()], Store());

        act.Should().Throw<PipelineDefinitionException>().WithMessage("pipeline test: Count depends on Repeat, which is not one of its stages (Count)");
    }

    [Fact]
    public void A_cycle_is_refused_with_the_stages_in_it()
    {
        var act = () => new StageGraph("test", [new AlphaStage(), new LoopStage(), new BackStage()], Store());

        act.Should().Throw<PipelineDefinitionException>().WithMessage("pipeline test: the stages depend on each other in a cycle: Loop -> Back -> Loop");
    }

    [Fact]
    public void Two_stages_of_one_name_are_refused()
    {
        var act = () => new StageGraph("test", [new AlphaStage(), new AlphaStage()], Store());

        act.Should().Throw<PipelineDefinitionException>().WithMessage("pipeline test: two stages are named Alpha");
    }

    [Fact]
    public void The_graph_renders_as_mermaid_dot_and_svg_with_statuses()
    {
        File.WriteAllText(temp.File("source.txt"), "ab");
        var graph = new StageGraph("test", [new RepeatStage(temp.File("source.txt")), new CountStage()], Store());
        graph.Run("Repeat", force: false, new TextStageLog(TextWriter.Null, "Repeat"));
        var statuses = graph.StatusAll().ToDictionary(s => s.Stage);

        GraphText.Mermaid(graph).Should().Contain("Repeat --> Count").And.NotContain("classDef");
        GraphText.Mermaid(graph, statuses).Should().Contain("class Repeat fresh").And.Contain("class Count stale");
        GraphText.Dot(graph).Should().StartWith("digraph \"test\"").And.Contain("\"Repeat\" -> \"Count\";");
        GraphText.Svg(graph, statuses).Should().Contain("data-stage=\"Count\" data-status=\"stale\"").And.Contain("data-stage=\"Repeat\" data-status=\"up to date\"");
    }

    [Fact]
    public void The_pipeline_name_is_part_of_every_fingerprint()
    {
        File.WriteAllText(temp.File("source.txt"), "ab");
        var one = new StageGraph("one", [new RepeatStage(temp.File("source.txt"))], Store());
        var other = new StageGraph("other", [new RepeatStage(temp.File("source.txt"))], new StageStore(temp.File("other")));

        one.Status("Repeat").Fingerprint.Should().NotBe(other.Status("Repeat").Fingerprint);
    }

    private StageStore Store() => new(temp.File("stages"));

    private sealed class AlphaStage : Stub;

    private sealed class LoopStage : Stub
    {
        public override IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<AlphaStage>(), StageDependency.On<BackStage>()];
    }

    private sealed class BackStage : Stub
    {
        public override IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<LoopStage>()];
    }

    private abstract class Stub : IStage
    {
        public string Description => "a stub";

        public virtual IReadOnlyList<StageDependency> Dependencies => [];

        public StageInputs DescribeInputs() => new(new { }, new Dictionary<string, string>(), new Dictionary<string, string>());

        public void Run(StageRunContext context)
        {
        }
    }
}
