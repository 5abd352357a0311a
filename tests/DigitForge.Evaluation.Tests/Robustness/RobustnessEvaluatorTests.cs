using DigitForge.Data;
using DigitForge.Evaluation.Metrics;
using DigitForge.Evaluation.Robustness;
using static DigitForge.Evaluation.Tests.Metrics.Cases;

namespace DigitForge.Evaluation.Tests.Robustness;

[Trait("Category", "Unit")]
public sealed class RobustnessEvaluatorTests
{
    // Four 28x28 images of a centred plus sign, all labelled 0.
    private static LabelledImages Pluses()
    {
        const int count = 4;
        var pixels = new byte[count * 28 * 28];
        for (var i = 0; i < count; i++)
        {
            for (var k = 8; k < 20; k++)
            {
                pixels[i * 784 + 14 * 28 + k] = (byte)(200 + i);
                pixels[i * 784 + k * 28 + 14] = (byte)(200 + i);
            }
        }

        return new LabelledImages(pixels, new byte[count], 28, 28);
    }

    // A stand-in classifier: class 0 when the top-left corner is blank, class 1 otherwise.
    private static float[] CornerLogits(LabelledImages images)
    {
        var logits = new float[images.Count * 10];
        for (var i = 0; i < images.Count; i++)
        {
            logits[i * 10 + (images.Image(i)[0] == 0 ? 0 : 1)] = 1;
        }

        return logits;
    }

    [Fact]
    public void Shift_names_are_unique_and_in_report_order()
    {
        ShiftCatalog.All.Select(s => s.Name).Should().Equal(
            "thicker", "thinner", "blur", "low-resolution", "off-centre-rotated", "noise", "inverted-grey");
    }

    [Fact]
    public void Every_shift_changes_the_images_keeps_the_labels_and_is_the_same_for_the_same_seed()
    {
        var images = Pluses();
        for (var index = 0; index < ShiftCatalog.All.Count; index++)
        {
            var shift = ShiftCatalog.All[index];
            var first = shift.ApplyTo(images, ShiftCatalog.Stream(42, index));
            var again = shift.ApplyTo(images, ShiftCatalog.Stream(42, index));

            first.Pixels.Should().Equal(again.Pixels, shift.Name);
            first.Pixels.Should().NotEqual(images.Pixels, shift.Name);
            first.Labels.Should().Equal(images.Labels);
        }
    }

    [Fact]
    public void Each_shift_has_its_own_stream_and_the_seed_matters()
    {
        var images = Pluses();
        var rotated = ShiftCatalog.All.Single(s => s.Name == "off-centre-rotated");

        rotated.ApplyTo(images, ShiftCatalog.Stream(42, 4)).Pixels.Should().NotEqual(rotated.ApplyTo(images, ShiftCatalog.Stream(43, 4)).Pixels);
    }

    [Fact]
    public void Measures_every_shift_and_names_the_worst()
    {
        var report = RobustnessEvaluator.Measure(Pluses(), 42, CornerLogits);

        report.Seed.Should().Be(42);
        report.Count.Should().Be(4);
        report.Shifts.Select(s => s.Name).Should().Equal(ShiftCatalog.All.Select(s => s.Name));
        report.Shifts.Single(s => s.Name == "thicker").Accuracy.Should().Be(1);
        report.Shifts.Single(s => s.Name == "inverted-grey").Accuracy.Should().Be(0);
        report.Worst.Should().Be(new WorstShift("inverted-grey", 0));
        RobustnessEvaluator.Measure(Pluses(), 42, CornerLogits).Should().BeEquivalentTo(report, "the shifts run in parallel, on their own streams");
    }

    [Fact]
    public void The_section_is_written_to_metrics_json_and_read_back_and_absent_when_not_measured()
    {
        var (logits, labels) = SevenExamples();
        var clean = ClassificationMetrics.Compute(logits, labels, Classes);
        var robustness = RobustnessEvaluator.Measure(Pluses(), 42, CornerLogits);
        var report = clean with { Robustness = robustness };

        var json = ReportWriter.Serialize(report);
        var back = ReportWriter.Deserialize(json);

        json.Should().Contain("\"robustness\": {").And.Contain("\"worst\": {\n      \"name\": \"inverted-grey\"");
        back.Robustness.Should().BeEquivalentTo(robustness);
        ReportWriter.Serialize(back).Should().Be(json);
        ReportWriter.Serialize(clean).Should().NotContain("robustness");
        ReportWriter.Deserialize(ReportWriter.Serialize(clean)).Robustness.Should().BeNull();
    }

    [Fact]
    public void The_text_report_has_a_table_with_the_worst_shift()
    {
        var (logits, labels) = SevenExamples();
        var report = ClassificationMetrics.Compute(logits, labels, Classes) with { Robustness = RobustnessEvaluator.Measure(Pluses(), 42, CornerLogits) };

        var text = report.ToText();

        text.Should().Contain("Robustness (4 test images per shift, seed 42)");
        text.Split('\n').Should().Contain(l => l.StartsWith("worst", StringComparison.Ordinal) && l.EndsWith("inverted-grey", StringComparison.Ordinal));
    }
}
