using DigitForge.Engine.History;
using DigitForge.Reporting.Dashboard;

namespace DigitForge.Cli.Tests;

/// <summary>How the dashboard folds builds that ran nothing into the run they repeated.</summary>
[Trait("Category", "Unit")]
public sealed class RunRowTests
{
    private static readonly string Trained = new('2', 64);

    [Fact]
    public void Consecutive_no_op_builds_are_folded_into_the_run_they_repeated_with_their_count_and_last_start()
    {
        var work = Run(1, StageOutcome.Ran);
        var skipped = Enumerable.Range(2, 5).Select(day => Run(day, StageOutcome.Skipped)).ToList();
        var restored = Run(7, StageOutcome.Restored);

        var rows = RunRow.Fold([restored, .. skipped, work]);

        rows.Should().ContainSingle().Which.Run.Should().Be(work);
        rows[0].Repeats.Should().Equal([.. skipped, restored], "oldest first, whatever order the history gave");
        rows[0].Repeats[^1].StartedAt.Should().Be(Day(7));
    }

    [Fact]
    public void A_failed_run_is_never_folded_and_folds_nothing()
    {
        var work = Run(1, StageOutcome.Ran);
        var failed = Run(2, StageOutcome.Skipped) with { FinishedAt = null };
        var after = Run(3, StageOutcome.Skipped);

        var rows = RunRow.Fold([work, failed, after]);

        rows.Select(r => r.Run).Should().Equal(work, failed, after);
        rows.Should().OnlyContain(r => r.Repeats.Count == 0);
    }

    [Fact]
    public void A_no_op_build_of_another_recipe_or_other_fingerprints_or_one_that_ran_is_a_row_of_its_own()
    {
        var work = Run(1, StageOutcome.Ran);
        var otherRecipe = Run(2, StageOutcome.Skipped) with { ConfigHash = "other" };
        var otherOutputs = Run(3, StageOutcome.Restored, fingerprint: new string('3', 64)) with { ConfigHash = work.ConfigHash };
        var ranAgain = Run(4, StageOutcome.Ran);

        var rows = RunRow.Fold([work, otherRecipe, otherOutputs, ranAgain]);

        rows.Select(r => r.Run).Should().Equal(work, otherRecipe, otherOutputs, ranAgain);
        rows.Should().OnlyContain(r => r.Repeats.Count == 0);
    }

    [Fact]
    public void Only_consecutive_builds_fold_and_a_no_op_first_row_takes_its_repeats()
    {
        var restoredFromCache = Run(1, StageOutcome.Restored);
        var repeat = Run(2, StageOutcome.Skipped);
        var changed = Run(3, StageOutcome.Ran) with { ConfigHash = "other" };
        var back = Run(4, StageOutcome.Skipped);

        var rows = RunRow.Fold([restoredFromCache, repeat, changed, back]);

        rows.Select(r => (r.Run, r.Repeats.Count)).Should().Equal((restoredFromCache, 1), (changed, 0), (back, 0));
    }

    private static DateTimeOffset Day(int day) => new(2026, 12, day, 14, 2, 0, TimeSpan.Zero);

    private static RunRecord Run(int day, StageOutcome outcome, string? fingerprint = null) => new()
    {
        Id = $"202612{day:D2}-140200-aaaaaa",
        StartedAt = Day(day),
        FinishedAt = Day(day).AddMinutes(1),
        User = "alice",
        Host = "build-01",
        Pipeline = "mnist",
        Target = "Evaluate",
        Config = "configs/mnist/ci.json",
        ConfigHash = "recipe",
        Stages = [new StageEvent("Train", fingerprint ?? Trained, outcome, "test", outcome == StageOutcome.Ran ? 12.5 : 0)],
        Metrics = new Dictionary<string, double> { ["accuracy"] = 0.99 },
    };
}
