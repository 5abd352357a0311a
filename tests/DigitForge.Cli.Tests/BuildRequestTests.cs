using DigitForge.Cli.Build;

namespace DigitForge.Cli.Tests;

/// <summary>The build's arguments read against the one catalogue, and the command lines its targets get.</summary>
[Trait("Category", "Unit")]
public sealed class BuildRequestTests
{
    private const string Root = "/repo";
    private const string Cli = "/repo/build/bin/cli/digitforge.dll";

    private static BuildRequest Parse(params string[] arguments) => BuildRequest.Parse(Root, Cli, arguments);

    [Theory]
    [InlineData("--seet=a=1", "unknown argument --seet; did you mean --set?")]
    [InlineData("--rerun=yes", "--rerun is a flag and takes no value, not 'yes'")]
    [InlineData("--config", "--config needs a value: --config=VALUE")]
    [InlineData("target=Train", "unexpected argument 'target=Train'")]
    public void Bad_arguments_are_refused_naming_them(string argument, string message) =>
        FluentActions.Invoking(() => Parse(argument)).Should().Throw<BuildArgumentException>().WithMessage(message + "*");

    [Theory]
    [InlineData("--raw")]
    [InlineData("--raw=")]
    [InlineData("--raw=true")]
    public void A_flag_is_set_bare_as_cake_passes_it_on_or_with_true(string argument) =>
        Parse(argument).Flag("raw").Should().Be("--raw");

    [Fact]
    public void A_value_given_twice_is_refused_but_a_repeatable_one_is_kept_in_order()
    {
        FluentActions.Invoking(() => Parse("--target=Train", "--target=Evaluate")).Should().Throw<BuildArgumentException>()
            .WithMessage("--target is given twice ('Train' and 'Evaluate'); give it once");
        Parse("--set=a=1", "--set=b=2").Values("set").Should().Equal("a=1", "b=2");
    }

    [Fact]
    public void Stage_commands_carry_the_recipe_and_only_the_publishing_stage_gets_force()
    {
        var request = Parse("--pipeline=hn", "--config=configs/hn/ci.json", "--set=train.seed=3", "--force", "--rerun");
        request.RunStage("Train", publishing: false).Should().Equal(
            Cli, "run", "Train", "--rerun", "--root", Root, "--pipeline", "hn", "--config", "configs/hn/ci.json", "--artifacts", "artifacts", "--set", "train.seed=3");
        request.RunStage("Promote", publishing: true).Should().ContainInOrder("run", "Promote", "--rerun", "--force");
    }

    [Fact]
    public void Tool_targets_translate_their_arguments_and_resolve_paths_from_the_repository()
    {
        Target("Lineage", "--model=3").Should().StartWith([Cli, "models", "show", "3"]);
        Target("Compare", "--base=2").Should().ContainInOrder("models", "compare", "--base=2", "--markdown=/repo/artifacts/mnist/comparison.md");
        Target("DeleteModels", "--models=3, v4", "--confirm").Should().StartWith([Cli, "models", "delete", "3", "v4", "--confirm"]);
        Target("Experiments", "--plot=v1,v2", "--out=plots/a.svg").Should().StartWith([Cli, "experiments", "plot", "v1", "v2", "--out=/repo/plots/a.svg"]);
        Target("Experiments", "--filter=a=1", "--filter=b=2", "--json").Should().StartWith([Cli, "experiments", "--json", "--filter=a=1", "--filter=b=2"]);
        Target("Experiments", "--sweep=sw-0123456789").Should().StartWith([Cli, "experiments", "--sweep=sw-0123456789"]);
        Target("Sweep", "--sweep=train.seed=1..4", "--plan-only").Should().StartWith([Cli, "sweep", "--plan-only", "--sweep=train.seed=1..4"]);
        Target("Sweep", "--sweep=train.seed=1..3", "--sweep=train.learningRate=0.002,0.004", "--jobs=2", "--prune=median", "--up-to=Train", "--promote-best", "--set=train.epochs=2").Should().Equal(
            Cli, "sweep", "--jobs=2", "--prune=median", "--target=Train", "--promote-best", "--sweep=train.seed=1..3", "--sweep=train.learningRate=0.002,0.004",
            "--root", Root, "--pipeline", "mnist", "--artifacts", "artifacts", "--set", "train.epochs=2");
        Target("Serve", "--port=9000").Should().Equal("/repo/build/bin/serve/digitforge-serve.dll", "--root", Root, "--models-root", "/repo/artifacts/mnist/models", "--artifacts", "/repo/artifacts", "--port", "9000");
    }

    [Fact]
    public void Monitoring_targets_call_their_verbs_and_Score_records_unless_told_not_to()
    {
        Target("Feedback", "--input=labels.csv").Should().StartWith([Cli, "feedback", "--input=/repo/labels.csv"]);
        Target("Outcomes", "--at=2026-06-10T06:00:00Z").Should().StartWith([Cli, "outcomes", "--at=2026-06-10T06:00:00Z"]);
        Target("Monitor", "--json", "--notify=https://api.github.com/repos/o/r/dispatches").Should().StartWith([Cli, "monitor", "--json", "--notify=https://api.github.com/repos/o/r/dispatches"]);
        Target("Score", "--input=incoming").Should().Contain("--log");
        Target("Score", "--input=incoming", "--no-log").Should().NotContain("--log");
        FluentActions.Invoking(() => Target("Feedback")).Should().Throw<BuildArgumentException>().WithMessage("Feedback needs --input=*");
        Target("PushFeedback", "--id=1f71c82ab5d8").Should().StartWith([Cli, "feedback", "push", "1f71c82ab5d8"]);
        Target("PullFeedback").Should().StartWith([Cli, "feedback", "pull"]);
        Target("AddFeedback", "--id=1f71c82ab5d8", "--config=artifacts/recipe.json").Should().StartWith([Cli, "config", "add-feedback", "1f71c82ab5d8"]).And.Contain("--config");
        FluentActions.Invoking(() => Target("AddFeedback")).Should().Throw<BuildArgumentException>().WithMessage("AddFeedback needs --id=*");
    }

    [Fact]
    public void NewPipeline_calls_its_verb_with_the_repository_and_needs_a_name()
    {
        Target("NewPipeline", "--name=demand").Should().StartWith([Cli, "new-pipeline", "--name=demand", "--root", Root]);
        FluentActions.Invoking(() => Target("NewPipeline")).Should().Throw<BuildArgumentException>().WithMessage("NewPipeline needs --name=*");
    }

    [Fact]
    public void A_target_missing_what_it_needs_is_a_usage_error()
    {
        FluentActions.Invoking(() => Target("DeleteModels")).Should().Throw<BuildArgumentException>().WithMessage("--models is needed, e.g. --models=3,v4");
        FluentActions.Invoking(() => Target("Experiments", "--diff=v1")).Should().Throw<BuildArgumentException>().WithMessage("--diff needs two runs or versions*");
    }

    [Fact]
    public void The_catalogue_is_consistent_every_argument_is_read_and_every_target_reads_known_arguments()
    {
        var names = BuildCatalogue.Arguments.Select(a => a.Name).ToList();
        names.Should().OnlyHaveUniqueItems();
        BuildCatalogue.Targets.Select(t => t.Name).Should().OnlyHaveUniqueItems();
        var read = BuildCatalogue.Targets.SelectMany(t => t.Arguments).ToHashSet();
        read.Should().BeSubsetOf(names);
        BuildCatalogue.Options.Select(o => o.Name).Should().BeSubsetOf(read, "an option no target reads is dead");
        BuildCatalogue.Targets.Where(t => t.DependsOn is not null).Select(t => t.DependsOn).Should().BeSubsetOf(BuildCatalogue.Targets.Select(t => t.Name));
    }

    private static IReadOnlyList<string> Target(string name, params string[] arguments) =>
        BuildCatalogue.Find(name)!.Command(Parse([$"--target={name}", .. arguments]));
}
