using DigitForge.Inference.Drift;

namespace DigitForge.Inference.Tests;

[Trait("Category", "Unit")]
public sealed class DriftCheckTests
{
    private static PredictionProfile Profile(params (int Label, double Confidence)[] predictions)
    {
        var builder = new PredictionProfileBuilder(10);
        foreach (var (label, confidence) in predictions)
        {
            builder.Add(label, confidence);
        }

        return builder.Build();
    }

    private static PredictionProfile Balanced(double confidence, int perClass = 20) =>
        Profile([.. Enumerable.Range(0, 10 * perClass).Select(i => (i % 10, confidence))]);

    [Fact]
    public void The_same_distribution_is_no_drift()
    {
        var check = DriftCheck.Compare(Balanced(0.999), Balanced(0.999, perClass: 7));

        (check.LabelPsi, check.ConfidencePsi).Should().Be((0, 0));
        check.Drifted.Should().BeFalse();
        check.ToString().Should().Be("drift: none (label PSI 0.000, confidence PSI 0.000, threshold 0.25, 70 images)");
    }

    [Fact]
    public void Every_image_of_one_class_is_drift_by_labels()
    {
        var check = DriftCheck.Compare(Balanced(0.999), Profile([.. Enumerable.Repeat((3, 0.999), 50)]));

        check.LabelPsi.Should().BeGreaterThan(2);
        check.ConfidencePsi.Should().Be(0);
        check.Drifted.Should().BeTrue();
        check.ToString().Should().StartWith("drift: DETECTED (label PSI");
    }

    [Fact]
    public void Unsure_answers_are_drift_by_confidence()
    {
        var check = DriftCheck.Compare(Balanced(0.999), Balanced(0.6));

        check.LabelPsi.Should().Be(0);
        check.ConfidencePsi.Should().BeGreaterThan(DriftCheck.DefaultThreshold);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.49, 0)]
    [InlineData(0.5, 1)]
    [InlineData(0.9949, 7)]
    [InlineData(0.9995, 9)]
    [InlineData(1.0, 9)]
    public void Confidences_fall_in_their_bins(double confidence, int bin) =>
        PredictionProfile.ConfidenceBin(confidence).Should().Be(bin);

    [Fact]
    public void Psi_is_the_documented_sum() =>
        DriftCheck.Psi([0.5, 0.5], [0.25, 0.75]).Should().BeApproximately(0.25 * Math.Log(0.5) * -1 + 0.25 * Math.Log(1.5), 1e-12);
}
