using DigitForge.Evaluation.Packaging;

namespace DigitForge.Evaluation.Tests.Packaging;

[Trait("Category", "Unit")]
public sealed class Int8ParityTests
{
    private const int Images = 1000;
    private const string Cpu = "x86-64-avx2";

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

    /// <summary>A set named <paramref name="name"/> on which int8 changes <paramref name="changed"/> of FP32's wrong predictions (so only agreement can refuse).</summary>
    private static Int8SetParity Set(string name, int changed)
    {
        var (fp32, labels) = Fp32(fp32Wrong: 10);
        return Int8SetParity.Measure(name, fp32, Flip(fp32, 0, changed), labels, 2);
    }

    [Fact]
    public void Identical_predictions_are_accepted()
    {
        var (fp32, labels) = Fp32(fp32Wrong: 10);
        var set = Int8SetParity.Measure("test split", fp32, fp32, labels, 2);

        set.Should().BeEquivalentTo(new Int8SetParity("test split", Images, 0.99, 0.99, 1.0, []));
        set.Accepted.Should().BeTrue();
        var parity = Int8Parity.Decide(Cpu, set, [Set("noise", 0)]);
        parity.Accepted.Should().BeTrue();
        parity.CpuClass.Should().Be(Cpu);
        parity.Reason.Should().Be("accepted on x86-64-avx2: accuracy 99.00 % vs FP32 99.00 %, 100.00 % identical predictions over 1000 test images; under each of 1 shifts at least 100.00 % identical (noise), accuracy at most 0.00 point below FP32's");
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void Accuracy_may_drop_by_at_most_a_tenth_of_a_point(int lost, bool accepted)
    {
        var (fp32, labels) = Fp32(fp32Wrong: 0);
        var set = Int8SetParity.Measure("test split", fp32, Flip(fp32, 0, lost), labels, 2);

        set.Accepted.Should().Be(accepted);
        if (!accepted)
        {
            set.Problems.Should().Equal("int8 accuracy 99.80 % is more than 0.1 point below FP32's 100.00 %");
        }
    }

    [Theory]
    [InlineData(5, true)]
    [InlineData(6, false)]
    public void At_least_99_5_percent_of_predictions_must_be_identical(int changed, bool accepted)
    {
        // Flipping images FP32 got wrong (the first 10) makes int8 more accurate: only the agreement rule can refuse.
        var set = Set("test split", changed);

        set.Accepted.Should().Be(accepted);
        set.IdenticalPredictions.Should().BeApproximately(1 - (changed / 1000.0), 1e-12);
        if (!accepted)
        {
            set.Problems.Should().Equal("only 99.40 % of predictions equal FP32's (at least 99.5 % required)");
        }
    }

    [Fact]
    public void One_failing_shift_refuses_int8_and_the_reason_names_it_with_its_figures()
    {
        var parity = Int8Parity.Decide(Cpu, Set("test split", 0), [Set("thicker", 5), Set("noise", 6), Set("blur", 0)]);

        parity.Accepted.Should().BeFalse();
        parity.Reason.Should().Be("refused on x86-64-avx2: noise: only 99.40 % of predictions equal FP32's (at least 99.5 % required)");
        parity.IdenticalPredictions.Should().Be(1.0, "the top-level figures are the clean test split's");
        parity.Shifts!.Select(s => s.Name).Should().Equal("thicker", "noise", "blur");
    }

    [Fact]
    public void Every_failing_set_is_named_in_the_reason()
    {
        var (fp32, labels) = Fp32(fp32Wrong: 0);
        var thinner = Int8SetParity.Measure("thinner", fp32, Flip(fp32, 0, 7), labels, 2);

        var parity = Int8Parity.Decide(Cpu, Set("test split", 6), [thinner, Set("blur", 0)]);

        parity.Accepted.Should().BeFalse();
        parity.Reason.Should().Be(
            "refused on x86-64-avx2: test split: only 99.40 % of predictions equal FP32's (at least 99.5 % required); "
            + "thinner: int8 accuracy 99.30 % is more than 0.1 point below FP32's 100.00 %, only 99.30 % of predictions equal FP32's (at least 99.5 % required)");
    }

    [Fact]
    public void Logits_that_do_not_line_up_are_an_error_naming_the_set()
    {
        var act = () => Int8SetParity.Measure("blur", new float[20], new float[18], new byte[10], 2);
        act.Should().Throw<ArgumentException>().WithMessage("blur: *20 FP32 vs 18 int8 values*");
    }

    [Fact]
    public void A_record_written_before_shifts_were_checked_still_reads()
    {
        var old = Newtonsoft.Json.Linq.JObject.Parse("""
            { "images": 2000, "fp32Accuracy": 0.991, "int8Accuracy": 0.991, "identicalPredictions": 1.0, "accepted": true,
              "reason": "accepted: accuracy 99.10 % vs FP32 99.10 %, 100.00 % identical predictions over 2000 test images" }
            """);

        var parity = old.ToObject<Int8Parity>(Newtonsoft.Json.JsonSerializer.Create(Engine.Storage.JsonFile.Settings))!;

        parity.Accepted.Should().BeTrue();
        parity.Images.Should().Be(2000);
        parity.CpuClass.Should().BeNull();
        parity.Shifts.Should().BeNull();
    }
}
