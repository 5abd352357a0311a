using DigitForge.HackerNews.Evaluation;

namespace DigitForge.HackerNews.Tests;

[Trait("Category", "Unit")]
public sealed class RegressionMathTests
{
    [Fact]
    public void Tied_values_share_their_average_rank() =>
        DigitForge.Engine.Statistics.RankCorrelation.Ranks([10, 20, 20, 5, 20]).Should().Equal(2, 4, 4, 1, 4);

    [Fact]
    public void Spearman_matches_a_hand_computed_value_with_ties()
    {
        // Ranks x: 1, 2.5, 2.5, 4; ranks y: 1, 3, 2, 4 -> Pearson of the ranks = 4.5 / sqrt(4.5 * 5).
        RegressionMath.Spearman([1, 2, 2, 3], [10, 30, 20, 40]).Should().BeApproximately(4.5 / Math.Sqrt(4.5 * 5), 1e-12);
    }

    [Fact]
    public void Spearman_is_one_for_any_increasing_relation_and_minus_one_for_a_decreasing_one()
    {
        RegressionMath.Spearman([1, 2, 3, 4], [1, 8, 27, 1000]).Should().BeApproximately(1, 1e-12);
        RegressionMath.Spearman([1, 2, 3, 4], [9, 7, 3, 1]).Should().BeApproximately(-1, 1e-12);
    }

    [Fact]
    public void Spearman_of_a_constant_prediction_is_undefined() =>
        RegressionMath.Spearman([1, 2, 3], [5, 5, 5]).Should().BeNull();

    [Fact]
    public void Errors_match_hand_computed_values()
    {
        double[] actual = [1, 2, 3, 4], predicted = [2, 2, 2, 2];
        RegressionMath.Mae(actual, predicted).Should().BeApproximately(1.0, 1e-12);
        RegressionMath.Rmse(actual, predicted).Should().BeApproximately(Math.Sqrt(1.5), 1e-12);
        RegressionMath.MeanSignedError(actual, predicted).Should().BeApproximately(-0.5, 1e-12);
        // Total sum of squares around 2.5 is 5; residual sum of squares is 6.
        RegressionMath.R2(actual, predicted).Should().BeApproximately(1 - 6.0 / 5.0, 1e-12);
    }

    [Fact]
    public void R2_is_one_for_perfect_predictions_and_undefined_for_constant_actuals()
    {
        RegressionMath.R2([1, 5, 9], [1, 5, 9]).Should().BeApproximately(1, 1e-12);
        RegressionMath.R2([3, 3, 3], [1, 5, 9]).Should().BeNull();
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        RegressionMath.Median([7, 1, 3]).Should().Be(3);
        RegressionMath.Median([7, 1, 3, 4]).Should().Be(3.5);
    }

    [Fact]
    public void Mismatched_lengths_are_refused() =>
        FluentActions.Invoking(() => RegressionMath.Mae([1, 2], [1])).Should().Throw<ArgumentException>();
}
