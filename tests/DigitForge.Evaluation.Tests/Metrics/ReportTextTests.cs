using DigitForge.Evaluation.Metrics;
using static DigitForge.Evaluation.Tests.Metrics.Cases;

namespace DigitForge.Evaluation.Tests.Metrics;

[Trait("Category", "Unit")]
public class ReportTextTests
{
    [Fact]
    public void Text_summary_shows_headline_figures_per_class_table_and_confusion_matrix()
    {
        var (logits, labels) = SevenExamples();

        var text = ClassificationMetrics.Compute(logits, labels, Classes).ToText();

        // Loss: 3 right at ln(e²+2)-2 and 4 wrong at ln(e²+2), over 7. ECE: all 7 at e²/(e²+2) ≈ 0.7870
        // (bin 11), accuracy 3/7: |0.4286 - 0.7870| = 0.3584.
        text.Should().Be(
            """
            Examples     7
            Accuracy     0.4286
            Loss         1.3824
            ECE          0.3584 (15 bins)
            Min recall   0.0000 (label 2)

            label     precision  recall      f1  support  predicted
            0            0.5000  0.6667  0.5714        3          4
            1            0.3333  0.5000  0.4000        2          3
            2            0.0000  0.0000  0.0000        2          0
            macro        0.2778  0.3889  0.3238
            weighted     0.3095  0.4286  0.3592        7

            Confusion matrix (rows: true label, columns: predicted label)
            true\pred  0  1  2
            0          2  1  0
            1          1  1  0
            2          1  1  0

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Columns_stay_aligned_with_ten_classes_and_wide_counts()
    {
        // 10 classes, 12 345 examples: class 0 gets the bulk, so counts reach five digits.
        const int classes = 10;
        var count = 12_345;
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i < 12_000 ? 0 : i % classes)).ToArray();
        var logits = new float[count * classes];
        for (var i = 0; i < count; i++)
            logits[i * classes + (i % 7 == 0 ? (labels[i] + 1) % classes : labels[i])] = 3f;

        var lines = ClassificationMetrics.Compute(logits, labels, classes).ToText().Split('\n');

        var tableStart = Array.FindIndex(lines, l => l.StartsWith("label", StringComparison.Ordinal));
        var table = lines.Skip(tableStart).Take(1 + classes).ToArray();
        table.Select(l => l.Length).Distinct().Should().ContainSingle("the header and the class rows are equally wide");
        table.Skip(1).Select(l => l.IndexOf('.')).Distinct().Should().ContainSingle("decimal points line up");

        var matrixStart = Array.FindIndex(lines, l => l.StartsWith("true\\pred", StringComparison.Ordinal));
        var matrix = lines.Skip(matrixStart).Take(1 + classes).ToArray();
        matrix.Select(l => l.Length).Distinct().Should().ContainSingle();
        var zeroAsZero = labels.Where((label, i) => label == 0 && i % 7 != 0).Count();
        zeroAsZero.Should().BeGreaterThan(9_999);
        matrix[1].Should().StartWith("0").And.Contain($" {zeroAsZero}  ");
        lines.Should().NotContain(l => l.EndsWith(' '));
    }
}
