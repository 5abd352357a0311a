using DigitForge.Reporting.Plots;

namespace DigitForge.Cli.Tests;

/// <summary>Plot axes fitted to the data they show, within the metric's domain.</summary>
[Trait("Category", "Unit")]
public sealed class AxisFitTests
{
    [Fact]
    public void An_accuracy_of_099_run_after_run_stays_within_0_and_1_and_near_the_data()
    {
        var range = AxisFit.Range([0.99, 0.99, 0.99], 0, 1);

        range.Max.Should().BeGreaterThanOrEqualTo(0.99).And.BeLessThanOrEqualTo(1.0);
        range.Min.Should().BeLessThan(0.99).And.BeGreaterThan(0.85, "the axis starts near the data, not at 0");
    }

    [Fact]
    public void A_spread_gets_a_tenth_of_its_span_each_side_clamped_to_the_domain()
    {
        var range = AxisFit.Range([0.90, 0.95, 0.995], 0, 1);

        range.Min.Should().BeApproximately(0.9 - 0.0095, 1e-12);
        range.Max.Should().Be(1.0, "accuracy cannot pass 1");
    }

    [Fact]
    public void An_error_stays_above_0_with_no_upper_bound()
    {
        var range = AxisFit.Range([0.1, 10.1], 0);

        range.Min.Should().Be(0);
        range.Max.Should().BeApproximately(11.1, 1e-12);
    }

    [Fact]
    public void A_value_outside_the_domain_is_still_shown_and_a_flat_series_gets_the_given_half_width()
    {
        AxisFit.Range([1.2], 0, 1).Max.Should().Be(1.2);
        var time = AxisFit.Range([46_000.5], flat: 1.0 / 24);
        time.Min.Should().BeApproximately(46_000.5 - (1.0 / 24), 1e-9);
        time.Max.Should().BeApproximately(46_000.5 + (1.0 / 24), 1e-9);
    }
}
