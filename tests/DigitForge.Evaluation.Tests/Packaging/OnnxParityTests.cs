using DigitForge.Evaluation.Packaging;

namespace DigitForge.Evaluation.Tests.Packaging;

[Trait("Category", "Unit")]
public sealed class OnnxParityTests
{
    private static readonly float[] Reference = [1f, 2f, 3f, 5f, 4f, 0f];

    [Fact]
    public void Identical_logits_hold_with_zero_difference()
    {
        var parity = OnnxParity.Measure(Reference, Reference, classes: 3);

        parity.Should().Be(new OnnxParity(2, 0, 0, OnnxParity.DefaultTolerance));
        parity.Holds.Should().BeTrue();
    }

    [Fact]
    public void A_difference_beyond_the_tolerance_fails_and_is_reported()
    {
        var onnx = (float[])Reference.Clone();
        onnx[1] += 0.125f;

        var parity = OnnxParity.Measure(Reference, onnx, classes: 3);

        parity.MaxAbsLogitDifference.Should().Be(0.125);
        parity.Holds.Should().BeFalse();
        parity.ToString().Should().Contain("max |logit difference| 1.25e-1").And.Contain("0 different predictions");
    }

    [Fact]
    public void A_flipped_prediction_fails_even_within_the_tolerance()
    {
        float[] reference = [1f, 1.00001f];
        float[] onnx = [1.00001f, 1f];

        var parity = OnnxParity.Measure(reference, onnx, classes: 2);

        parity.MaxAbsLogitDifference.Should().BeLessThan(OnnxParity.DefaultTolerance);
        parity.DifferentPredictions.Should().Be(1);
        parity.Holds.Should().BeFalse();
    }

    [Fact]
    public void NaN_never_holds()
    {
        var onnx = (float[])Reference.Clone();
        onnx[4] = float.NaN;

        OnnxParity.Measure(Reference, onnx, classes: 3).Holds.Should().BeFalse();
    }

    [Fact]
    public void Logits_that_do_not_line_up_are_refused()
    {
        var act = () => OnnxParity.Measure(Reference, Reference.AsSpan(0, 3), classes: 3);

        act.Should().Throw<ArgumentException>().WithMessage("*6 reference vs 3 ONNX values*");
    }
}
