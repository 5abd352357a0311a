using DigitForge.Engine.Config;
using DigitForge.Engine.Sweeps;

namespace DigitForge.Engine.Tests.Sweeps;

[Trait("Category", "Unit")]
public sealed class SweepPlannerTests
{
    [Fact]
    public void A_grid_is_every_combination_with_the_last_key_varying_fastest()
    {
        var members = Plan(["train.learningRate=0.002,0.004", "train.seed=1..3"]);
        members.Select(m => string.Join(" ", m.Select(kv => $"{kv.Key}={kv.Value}"))).Should().Equal(
            "train.learningRate=0.002 train.seed=1",
            "train.learningRate=0.002 train.seed=2",
            "train.learningRate=0.002 train.seed=3",
            "train.learningRate=0.004 train.seed=1",
            "train.learningRate=0.004 train.seed=2",
            "train.learningRate=0.004 train.seed=3");
    }

    [Theory]
    [InlineData("train.seed=", "no values")]
    [InlineData("train.seed=3..1", "empty range (3 is above 1)")]
    [InlineData("train.seed=1,,2", "an empty value")]
    [InlineData("=1,2", "expected KEY=V1,V2")]
    [InlineData("train.learningRate=0.001..0.01", "a grid needs listed values or a range of whole numbers")]
    public void A_bad_sweep_is_refused_naming_it(string sweep, string message)
    {
        var plan = () => Plan([sweep]);
        plan.Should().Throw<ConfigException>().WithMessage($"*{message}*");
    }

    [Fact]
    public void More_members_than_max_runs_is_refused_before_the_grid_is_expanded()
    {
        var plan = () => SweepPlanner.Plan(new SweepRequest([SweepSpec.Parse("a.b=1..100000"), SweepSpec.Parse("a.c=1..100000")], null, 1, 64), typeof(Recipe));
        plan.Should().Throw<ConfigException>().WithMessage("the grid has 10000000000 members (100000 a.b x 100000 a.c), more than --max-runs=64");
    }

    [Fact]
    public void A_key_swept_twice_is_refused()
    {
        var plan = () => Plan(["train.seed=1,2", "Train.Seed=3"]);
        plan.Should().Throw<ConfigException>().WithMessage("--sweep train.seed: given 2 times*");
    }

    [Fact]
    public void A_random_search_draws_the_declared_ranges_log_uniformly_where_declared_and_the_same_for_the_same_seed()
    {
        var first = SweepPlanner.Plan(new SweepRequest([], 200, 7, 500), typeof(Recipe));
        var again = SweepPlanner.Plan(new SweepRequest([], 200, 7, 500), typeof(Recipe));
        var other = SweepPlanner.Plan(new SweepRequest([], 200, 8, 500), typeof(Recipe));
        first.Select(m => string.Join(",", m.Values)).Should().Equal(again.Select(m => string.Join(",", m.Values)));
        first.Select(m => string.Join(",", m.Values)).Should().NotEqual(other.Select(m => string.Join(",", m.Values)));

        first.Should().OnlyContain(m => m.Keys.SequenceEqual(new[] { "train.rate", "train.layers" }));
        var rates = first.Select(m => double.Parse(m["train.rate"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        rates.Should().OnlyContain(r => r >= 1e-4 && r <= 1e-1);

        // Log-uniform over three decades: about a third of the draws in each; uniform would put 90 % in the last.
        rates.Count(r => r < 1e-3).Should().BeInRange(40, 95);
        first.Select(m => m["train.layers"]).Should().OnlyContain(l => l == "2" || l == "3" || l == "4");
    }

    [Fact]
    public void A_random_search_over_given_ranges_draws_whole_numbers_from_whole_ranges_and_picks_from_lists()
    {
        var members = SweepPlanner.Plan(new SweepRequest([SweepSpec.Parse("train.seed=1..5"), SweepSpec.Parse("train.kind=a,b")], 50, 1, 64), typeof(Recipe));
        members.Should().HaveCount(50);
        members.Select(m => m["train.seed"]).Should().OnlyContain(s => s.Length == 1 && s[0] >= '1' && s[0] <= '5');
        members.Select(m => m["train.kind"]).Distinct().Should().BeEquivalentTo("a", "b");
    }

    [Theory]
    [InlineData("random", "expected random:N")]
    [InlineData("random:0", "expected random:N")]
    [InlineData("grid:3", "expected random:N")]
    public void A_bad_search_is_refused(string search, string message)
    {
        var parse = () => SweepPlanner.ParseSearch(search);
        parse.Should().Throw<ConfigException>().WithMessage($"--search={search}: {message}*");
    }

    [Fact]
    public void A_random_search_of_more_than_max_runs_is_refused()
    {
        var plan = () => SweepPlanner.Plan(new SweepRequest([], 65, 1, 64), typeof(Recipe));
        plan.Should().Throw<ConfigException>().WithMessage("--search=random:65 asks for more members than --max-runs=64");
    }

    private static IReadOnlyList<IReadOnlyDictionary<string, string>> Plan(string[] sweeps) =>
        SweepPlanner.Plan(new SweepRequest([.. sweeps.Select(SweepSpec.Parse)], null, 1, 64), typeof(Recipe));

    private sealed class Recipe
    {
        public TrainSection Train { get; set; } = new();
    }

    private sealed class TrainSection
    {
        [SweepRange(1e-4, 1e-1, Log = true)]
        public double Rate { get; set; }

        [SweepRange(2, 4)]
        public int Layers { get; set; }

        public int Seed { get; set; }
    }
}
