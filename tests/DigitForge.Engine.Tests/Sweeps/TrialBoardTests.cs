using DigitForge.Engine.Sweeps;

namespace DigitForge.Engine.Tests.Sweeps;

[Trait("Category", "Unit")]
public sealed class TrialBoardTests : IDisposable
{
    private readonly TempDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void A_member_worse_than_the_median_of_three_peers_at_an_epoch_is_pruned_there()
    {
        Report("m01", 0.90, 0.95);
        Report("m02", 0.80, 0.85);
        Report("m03", 0.70);

        new TrialBoard(folder.Path, "m04", PruneRule.Median).Report(1, 5, 0.81, higherIsBetter: true);
        var board = new TrialBoard(folder.Path, "m05", PruneRule.Median);
        var report = () => board.Report(1, 5, 0.79, higherIsBetter: true);
        report.Should().Throw<TrialPrunedException>()
            .Where(e => e.Epoch == 1 && e.Member == "m05")
            .WithMessage("pruned at epoch 1: best validation so far 0.7900 is worse than the median 0.8050 of the 4 other members there");
        TrialBoard.Curves(folder.Path)["m05"].Select(f => f.Value).Should().Equal(0.79);
    }

    [Fact]
    public void A_member_whose_best_so_far_beats_the_median_survives_a_bad_epoch()
    {
        Report("m01", 0.5, 0.6);
        Report("m02", 0.5, 0.7);
        Report("m03", 0.5, 0.8);
        var board = new TrialBoard(folder.Path, "m04", PruneRule.Median);
        board.Report(1, 5, 0.9, higherIsBetter: true);
        var bad = () => board.Report(2, 5, 0.4, higherIsBetter: true);
        bad.Should().NotThrow("its best so far, 0.9, is above the median 0.7 of epoch 2");
        var worse = () => new TrialBoard(folder.Path, "m05", PruneRule.Median).Report(2, 5, 0.6, higherIsBetter: true);
        worse.Should().Throw<TrialPrunedException>();
    }

    [Fact]
    public void The_metric_sense_decides_what_worse_means()
    {
        Report("m01", 0.3);
        Report("m02", 0.4);
        Report("m03", 0.5);
        new TrialBoard(folder.Path, "m04", PruneRule.Median).Report(1, 5, 0.35, higherIsBetter: false);
        var worse = () => new TrialBoard(folder.Path, "m05", PruneRule.Median).Report(1, 5, 0.45, higherIsBetter: false);
        worse.Should().Throw<TrialPrunedException>();
    }

    [Fact]
    public void Nobody_is_pruned_with_fewer_than_three_peers_at_the_last_epoch_or_without_the_rule()
    {
        Report("m01", 0.9, 0.9);
        Report("m02", 0.9, 0.9);
        new TrialBoard(folder.Path, "m03", PruneRule.Median).Report(1, 2, 0.1, higherIsBetter: true);
        Report("m04", 0.9, 0.9);
        new TrialBoard(folder.Path, "m05", PruneRule.Median).Report(2, 2, 0.1, higherIsBetter: true);
        new TrialBoard(folder.Path, "m06", PruneRule.None).Report(1, 2, 0.1, higherIsBetter: true);
    }

    [Fact]
    public void A_torn_line_of_a_killed_writer_is_skipped_and_clear_starts_the_member_anew()
    {
        Report("m01", 0.5, 0.6);
        File.AppendAllText(Path.Combine(folder.Path, "m01.jsonl"), "{\"epoch\":3,\"val");
        TrialBoard.Curves(folder.Path)["m01"].Select(f => f.Epoch).Should().Equal(1, 2);

        new TrialBoard(folder.Path, "m01", PruneRule.None).Clear();
        TrialBoard.Curves(folder.Path).Should().NotContainKey("m01");
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("Median")]
    public void An_unknown_rule_is_refused(string rule)
    {
        var parse = () => TrialBoard.ParseRule(rule);
        parse.Should().Throw<Engine.Config.ConfigException>().WithMessage($"--prune={rule}: unknown rule; the rule is median");
    }

    private void Report(string member, params double[] values)
    {
        var board = new TrialBoard(folder.Path, member, PruneRule.None);
        for (var i = 0; i < values.Length; i++)
        {
            board.Report(i + 1, 10, values[i], higherIsBetter: true);
        }
    }
}
