using DigitForge.Evaluation.Packaging;

namespace DigitForge.Evaluation.Tests.Packaging;

[Trait("Category", "Unit")]
public sealed class Int8ParityTests
{
    private const int Images = 1000;

    /// <summary>1,000 images of 2 classes, all labelled 0; FP32 predicts 0 except for the first <paramref name="fp32Wrong"/>.</summary>
    private static (float[] Fp32, byte[] Labels) Fp32(int fp32Wrong)
    {
        var logits = new float[Images * 2];
        for (var i = 0; i < Images; i++)
        {
            logits[(i * 2) + (i < fp32Wrong ? 1 : 0)] = 1f;
        }

        return (logits, new byte[Images]);
    }

    /// <summary>A copy of <paramref name="logits"/> whose predictions are flipped for images [from, from + count).</summary>
    private static float[] Flip(float[] logits, int from, int count)
    {
        var flipped = (float[])logits.Clone();
        for (var i = from; i < from + count; i++)
        {
            (flipped[i * 2], flipped[(i * 2) + 1]) = (flipped[(i * 2) + 1], flipped[i * 2]);
        }

        return flipped;
    }

    [Fact]
    public void Identical_predictions_are_accepted()
    {
        var (fp32, labels) = Fp32(fp32Wrong: 10);
        var parity = Int8Parity.Measure(fp32, fp32, labels, 2);

        parity.Should().Be(new Int8Parity(Images, 0.99, 0.99, 1.0, true, parity.Reason));
        parity.Reason.Should().StartWith("accepted: accuracy 99.00 % vs FP32 99.00 %, 100.00 % identical predictions over 1000 test images");
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void Accuracy_may_drop_by_at_most_a_tenth_of_a_point(int lost, bool accepted)
    {
        var (fp32, labels) = Fp32(fp32Wrong: 0);
        var parity = Int8Parity.Measure(fp32, Flip(fp32, 0, lost), labels, 2);

        parity.Accepted.Should().Be(accepted);
        if (!accepted)
        {
            parity.Reason.Should().Be("refused: int8 accuracy 99.80 % is more than 0.1 point below FP32's 100.00 %");
        }
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void At_least_99_5_percent_of_predictions_must_be_identical(int changed, bool accepted)
    {
        // Flipping images FP32 got wrong (the first 10) makes int8 more accurate: only the agreement rule can refuse.
        var (fp32, labels) = Fp32(fp32Wrong: 10);
        var parity = Int8Parity.Measure(fp32, Flip(fp32, 0, changed), labels, 2);

        parity.Accepted.Should().Be(accepted);
        parity.IdenticalPredictions.Should().BeApproximately(1 - (changed / 1000.0), 1e-12);
        if (!accepted)
        {
            parity.Reason.Should().Be("refused: only 99.40 % of predictions equal FP32's (at least 99.5 % required)");
        }
    }

    [Fact]
    public void Logits_that_do_not_line_up_are_an_error()
    {
        var act = () => Int8Parity.Measure(new float[20], new float[18], new byte[10], 2);
        act.Should().Throw<ArgumentException>().WithMessage("*20 FP32 vs 18 int8 values*");
    }
}
