using DigitForge.Evaluation.Metrics;
using static DigitForge.Evaluation.Tests.Metrics.Cases;

namespace DigitForge.Evaluation.Tests.Metrics;

[Trait("Category", "Unit")]
public class ClassificationMetricsTests
{
    private const double Tolerance = 1e-12;

    private static ClassificationReport Seven()
    {
        var (logits, labels) = SevenExamples();
        return ClassificationMetrics.Compute(logits, labels, Classes);
    }

    [Fact]
    public void Confusion_matrix_has_true_labels_as_rows_and_predictions_as_columns()
    {
        var report = Seven();

        report.ConfusionMatrix.Should().BeEquivalentTo(
            new[] { new[] { 2, 1, 0 }, new[] { 1, 1, 0 }, new[] { 1, 1, 0 } },
            o => o.WithStrictOrdering());
        report.Confusion(trueLabel: 0, predictedLabel: 1).Should().Be(1);
        report.Confusion(trueLabel: 1, predictedLabel: 0).Should().Be(1);
        report.Count.Should().Be(7);
        report.Classes.Should().Be(3);
    }

    [Fact]
    public void Accuracy_is_correct_over_count()
    {
        Seven().Accuracy.Should().BeApproximately(3.0 / 7, Tolerance);
    }

    [Fact]
    public void Per_class_precision_recall_f1_support_and_predicted_count_match_hand_values()
    {
        var perClass = Seven().PerClass;

        perClass.Select(m => m.Label).Should().Equal(0, 1, 2);
        perClass.Select(m => m.Support).Should().Equal(3, 2, 2);
        perClass.Select(m => m.PredictedCount).Should().Equal(4, 3, 0);

        // class 0: TP 2 of 4 predicted, 3 true
        perClass[0].Precision.Should().BeApproximately(2.0 / 4, Tolerance);
        perClass[0].Recall.Should().BeApproximately(2.0 / 3, Tolerance);
        perClass[0].F1.Should().BeApproximately(4.0 / 7, Tolerance); // 2·(1/2)(2/3) / (1/2 + 2/3)
        // class 1: TP 1 of 3 predicted, 2 true
        perClass[1].Precision.Should().BeApproximately(1.0 / 3, Tolerance);
        perClass[1].Recall.Should().BeApproximately(1.0 / 2, Tolerance);
        perClass[1].F1.Should().BeApproximately(2.0 / 5, Tolerance);
    }

    [Fact]
    public void A_class_never_predicted_has_zero_precision_recall_and_f1()
    {
        var never = Seven().PerClass[2];

        never.PredictedCount.Should().Be(0);
        never.Precision.Should().Be(0); // 0/0 -> 0
        never.Recall.Should().Be(0);    // 0/2
        never.F1.Should().Be(0);
        double.IsNaN(never.Precision).Should().BeFalse();
    }

    [Fact]
    public void A_class_without_support_reports_zero_recall_and_is_left_out_of_the_lowest_recall()
    {
        // (true, predicted): (0,0) (0,2) (1,1); class 2 is predicted once but never true.
        var logits = Rows(Predicting(0), Predicting(2), Predicting(1));
        var report = ClassificationMetrics.Compute(logits, [0, 0, 1], Classes);

        var absent = report.PerClass[2];
        absent.Support.Should().Be(0);
        absent.PredictedCount.Should().Be(1);
        absent.Precision.Should().Be(0); // 0/1
        absent.Recall.Should().Be(0);    // 0/0 -> 0
        absent.F1.Should().Be(0);

        report.LowestRecall.Should().BeApproximately(0.5, Tolerance);
        report.LowestRecallLabel.Should().Be(0);
        report.MacroAverage.Recall.Should().BeApproximately((0.5 + 1 + 0) / 3, Tolerance);
        report.WeightedAverage.Recall.Should().BeApproximately(2.0 / 3, Tolerance);
    }

    [Fact]
    public void Macro_average_is_the_plain_mean_over_classes()
    {
        var macro = Seven().MacroAverage;

        macro.Precision.Should().BeApproximately((1.0 / 2 + 1.0 / 3 + 0) / 3, Tolerance); // 5/18
        macro.Recall.Should().BeApproximately((2.0 / 3 + 1.0 / 2 + 0) / 3, Tolerance);    // 7/18
        macro.F1.Should().BeApproximately((4.0 / 7 + 2.0 / 5 + 0) / 3, Tolerance);        // 34/105
    }

    [Fact]
    public void Weighted_average_weights_classes_by_support()
    {
        var report = Seven();
        var weighted = report.WeightedAverage;

        weighted.Precision.Should().BeApproximately(13.0 / 42, Tolerance); // (3·1/2 + 2·1/3 + 2·0) / 7
        weighted.Recall.Should().BeApproximately(3.0 / 7, Tolerance);      // (3·2/3 + 2·1/2 + 2·0) / 7
        weighted.F1.Should().BeApproximately(88.0 / 245, Tolerance);       // (3·4/7 + 2·2/5 + 2·0) / 7
        weighted.Recall.Should().BeApproximately(report.Accuracy, Tolerance);
        weighted.Precision.Should().NotBeApproximately(report.MacroAverage.Precision, 1e-3);
    }

    [Fact]
    public void Lowest_recall_names_the_worst_class()
    {
        var report = Seven();

        report.LowestRecall.Should().Be(0);
        report.LowestRecallLabel.Should().Be(2);
    }

    [Fact]
    public void Lowest_recall_tie_goes_to_the_lowest_label()
    {
        // (true, predicted): (0,0) (1,1) (1,0) (2,2) (2,0): recalls 1, 1/2, 1/2 -> 1/2 at label 1, not 2.
        var logits = Rows(Predicting(0), Predicting(1), Predicting(0), Predicting(2), Predicting(0));
        var report = ClassificationMetrics.Compute(logits, [0, 1, 1, 2, 2], Classes);

        report.LowestRecall.Should().BeApproximately(0.5, Tolerance);
        report.LowestRecallLabel.Should().Be(1);
    }

    [Fact]
    public void Loss_is_mean_cross_entropy_of_the_softmax()
    {
        // [2,0,0] label 0: -ln(e²/(e²+2)) = ln(e²+2) - 2 ≈ 0.239545; [0,0,0] label 2: ln 3 ≈ 1.098612.
        var logits = Rows([2f, 0f, 0f], [0f, 0f, 0f]);
        var report = ClassificationMetrics.Compute(logits, [0, 2], Classes);

        report.Loss.Should().BeApproximately((Math.Log(Math.Exp(2) + 2) - 2 + Math.Log(3)) / 2, Tolerance);
        report.Loss.Should().BeApproximately(0.669079, 1e-6);
    }

    [Fact]
    public void Loss_is_stable_for_huge_logits()
    {
        // Naive exp(1000) overflows; log-sum-exp gives 2000 + ln(1 + e^-1000 + e^-2000) = 2000 and ≈ 0.
        var logits = Rows([1000f, 0f, -1000f], [1000f, 0f, -1000f]);

        ClassificationMetrics.Compute(logits, [2, 2], Classes).Loss.Should().BeApproximately(2000, 1e-9);
        ClassificationMetrics.Compute(logits, [0, 0], Classes).Loss.Should().BeApproximately(0, 1e-12);
        var report = ClassificationMetrics.Compute(logits, [0, 2], Classes);
        report.Loss.Should().BeApproximately(1000, 1e-9);
        report.MostConfidentWrong.Single().Confidence.Should().Be(1);
    }

    [Fact]
    public void Expected_calibration_error_matches_a_constructed_case()
    {
        var ln18 = (float)Math.Log(18); // [ln 18, 0, 0] -> confidence 18/20 = 0.9 (bin 13)
        var ln2 = (float)Math.Log(2);   // [0, ln 2, 0] -> confidence 2/4 = 0.5 (bin 7)
        var logits = Rows(
            [ln18, 0f, 0f], [ln18, 0f, 0f], [ln18, 0f, 0f], // labels 0 0 1: accuracy 2/3 at 0.9
            [0f, ln2, 0f], [0f, ln2, 0f],                   // labels 1 2: accuracy 1/2 at 0.5
            [0f, 0f, 0f]);                                  // label 0: confidence 1/3, on the edge of bin 4, correct
        var report = ClassificationMetrics.Compute(logits, [0, 0, 1, 1, 2, 0], Classes);

        // 3/6·|2/3 - 0.9| + 2/6·|1/2 - 1/2| + 1/6·|1 - 1/3| = 7/60 + 0 + 1/9 = 41/180
        report.ExpectedCalibrationError.Should().BeApproximately(41.0 / 180, 1e-6);

        var bins = report.CalibrationBins;
        bins.Should().HaveCount(15);
        bins.Select(b => b.Count).Should().Equal(0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0);
        bins[13].MeanConfidence.Should().BeApproximately(0.9, 1e-6);
        bins[13].Accuracy.Should().BeApproximately(2.0 / 3, Tolerance);
        bins[7].MeanConfidence.Should().BeApproximately(0.5, 1e-6);
        bins[7].Accuracy.Should().BeApproximately(0.5, Tolerance);
        bins[4].MeanConfidence.Should().Be(1.0 / 3);
        bins[4].Accuracy.Should().Be(1);
        bins[0].MeanConfidence.Should().Be(0); // empty bins report 0
        bins[0].Accuracy.Should().Be(0);
    }

    [Fact]
    public void Calibration_bins_are_fifteen_equal_width_bins_covering_zero_to_one()
    {
        var bins = Seven().CalibrationBins;

        bins.Should().HaveCount(ClassificationMetrics.CalibrationBinCount).And.HaveCount(15);
        for (var i = 0; i < bins.Count; i++)
        {
            bins[i].Lower.Should().Be(i / 15.0);
            bins[i].Upper.Should().Be((i + 1) / 15.0);
        }

        bins[0].Lower.Should().Be(0);
        bins[^1].Upper.Should().Be(1);
        bins.Sum(b => b.Count).Should().Be(7);
    }

    [Fact]
    public void A_perfectly_calibrated_case_has_zero_ece()
    {
        // Two examples at confidence 1/2 ([0, ln 2, 0] gives 2/4): one right, one wrong.
        var ln2 = (float)Math.Log(2);
        var report = ClassificationMetrics.Compute(Rows([0f, ln2, 0f], [0f, ln2, 0f]), [1, 0], Classes);

        report.ExpectedCalibrationError.Should().BeApproximately(0, 1e-6);
    }

    [Fact]
    public void Most_confidently_wrong_are_ordered_by_confidence_then_index()
    {
        var logits = Rows(
            [0f, 3f, 0f],  // 0: true 0, predicted 1, confidence e³/(e³+2)
            [1f, 0f, 0f],  // 1: true 1, predicted 0, e/(e+2)
            [0f, 0f, 5f],  // 2: correct
            [0f, 3f, 0f],  // 3: true 2, predicted 1, same confidence as 0
            [0f, 5f, 0f],  // 4: true 2, predicted 1, e⁵/(e⁵+2)
            [2f, 0f, 0f]); // 5: true 2, predicted 0, e²/(e²+2)
        byte[] labels = [0, 1, 2, 2, 2, 2];

        var all = ClassificationMetrics.Compute(logits, labels, Classes).MostConfidentWrong;

        all.Select(w => w.Index).Should().Equal(4, 0, 3, 5, 1);
        all[0].Should().Be(new WrongPrediction(4, 2, 1, all[0].Confidence));
        all[0].Confidence.Should().BeApproximately(Math.Exp(5) / (Math.Exp(5) + 2), Tolerance);
        all[1].Should().Be(new WrongPrediction(0, 0, 1, all[1].Confidence));
        all[2].Confidence.Should().Be(all[1].Confidence);
        all[4].Confidence.Should().BeApproximately(Math.E / (Math.E + 2), Tolerance);

        ClassificationMetrics.Compute(logits, labels, Classes, wrongExamples: 3)
            .MostConfidentWrong.Select(w => w.Index).Should().Equal(4, 0, 3);
        ClassificationMetrics.Compute(logits, labels, Classes, wrongExamples: 0).MostConfidentWrong.Should().BeEmpty();
    }

    [Fact]
    public void Most_confidently_wrong_defaults_to_twenty()
    {
        ClassificationMetrics.DefaultWrongExamples.Should().Be(20);
        var logits = Rows(Enumerable.Range(0, 30).Select(i => new[] { 0f, i / 10f, 0f }).ToArray());
        var labels = new byte[30]; // all true 0, all predicted 1 except i = 0 (tie -> 0)

        var wrong = ClassificationMetrics.Compute(logits, labels, Classes).MostConfidentWrong;

        wrong.Should().HaveCount(20);
        wrong.Select(w => w.Index).Should().Equal(Enumerable.Range(10, 20).Reverse());
    }

    [Fact]
    public void Argmax_ties_go_to_the_lowest_class_index()
    {
        ClassificationMetrics.ArgMax([1f, 1f, 0f]).Should().Be(0);
        ClassificationMetrics.ArgMax([0f, 2f, 2f]).Should().Be(1);
        ClassificationMetrics.ArgMax([5f, 5f, 5f]).Should().Be(0);
        ClassificationMetrics.ArgMax([0f, 1f, 2f]).Should().Be(2);

        // In a report: [1,1,0] true 1 is predicted 0 (wrong); [0,2,2] true 2 is predicted 1 (wrong);
        // [5,5,5] true 0 is predicted 0 (right) with confidence 1/3.
        var report = ClassificationMetrics.Compute(Rows([1f, 1f, 0f], [0f, 2f, 2f], [5f, 5f, 5f]), [1, 2, 0], Classes);

        report.Confusion(1, 0).Should().Be(1);
        report.Confusion(2, 1).Should().Be(1);
        report.Confusion(0, 0).Should().Be(1);
        report.Accuracy.Should().BeApproximately(1.0 / 3, Tolerance);
        // confidences e²/(2e²+1) ≈ 0.47 before e/(2e+1) ≈ 0.42
        report.MostConfidentWrong.Select(w => (w.Index, w.PredictedLabel)).Should().Equal((1, 1), (0, 0));
        report.MostConfidentWrong[0].Confidence.Should().BeApproximately(Math.Exp(2) / (2 * Math.Exp(2) + 1), Tolerance);
        report.MostConfidentWrong[1].Confidence.Should().BeApproximately(Math.E / (2 * Math.E + 1), Tolerance);
        report.CalibrationBins[4].Count.Should().Be(1); // the [5,5,5] row, confidence exactly 1/3
    }

    [Fact]
    public void Logits_of_the_wrong_length_are_rejected()
    {
        var act = () => ClassificationMetrics.Compute(new float[7], [0, 1], Classes);

        act.Should().Throw<ArgumentException>()
            .WithMessage("*logits has 7 values but 2 labels × 3 classes needs 6*")
            .Which.ParamName.Should().Be("logits");
    }

    [Fact]
    public void A_label_outside_the_classes_is_rejected()
    {
        var act = () => ClassificationMetrics.Compute(new float[6], [0, 3], Classes);

        act.Should().Throw<ArgumentException>()
            .WithMessage("*Label 3 at index 1 is out of range 0..2*")
            .Which.ParamName.Should().Be("labels");
    }

    [Fact]
    public void A_nan_logit_is_rejected_naming_where_it_is()
    {
        var act = () => ClassificationMetrics.Compute(Rows([0f, 0f, 0f], [0f, 0f, float.NaN]), [0, 1], Classes);

        act.Should().Throw<ArgumentException>()
            .WithMessage("*NaN for example 1, class 2*")
            .Which.ParamName.Should().Be("logits");
    }

    [Fact]
    public void An_infinite_logit_is_rejected()
    {
        var act = () => ClassificationMetrics.Compute(Rows([float.PositiveInfinity, 0f, 0f]), [0], Classes);

        act.Should().Throw<ArgumentException>().WithMessage("*example 0, class 0*not NaN or infinite*");
    }

    [Fact]
    public void No_examples_is_rejected()
    {
        var act = () => ClassificationMetrics.Compute([], [], Classes);

        act.Should().Throw<ArgumentException>().WithMessage("No examples*");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(257)]
    public void A_class_count_outside_2_to_256_is_rejected(int classes)
    {
        var act = () => ClassificationMetrics.Compute(new float[Math.Max(classes, 0)], [0], classes);

        act.Should().Throw<ArgumentException>().WithMessage("classes must be between 2 and 256*");
    }

    [Fact]
    public void A_negative_number_of_wrong_examples_is_rejected()
    {
        var (logits, labels) = SevenExamples();

        var act = () => ClassificationMetrics.Compute(logits, labels, Classes, wrongExamples: -1);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
