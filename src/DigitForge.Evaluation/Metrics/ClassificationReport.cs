using DigitForge.Evaluation.Robustness;
using Newtonsoft.Json;

namespace DigitForge.Evaluation.Metrics;

// The JSON names and their order are pinned by the attributes below, whatever serializer settings
// a caller uses: metrics.json is an artifact other stages hash and read, and its shape is a contract.
// Records compare collections by reference; compare two reports through their JSON
// (ReportWriter.Serialize) or structurally, not with ==.

/// <summary>
/// Everything <see cref="ClassificationMetrics.Compute"/> measures on one labelled set.
/// Conventions: a prediction is the arg-max of a row of logits, ties going to the lowest class
/// index; every ratio whose denominator is zero (0/0) is reported as 0. <see cref="Robustness"/>
/// is the same model on shifted copies of the set, when the evaluation measured it.
/// </summary>
public sealed record ClassificationReport(
    [property: JsonProperty("count", Order = 0)] int Count,
    [property: JsonProperty("classes", Order = 1)] int Classes,
    [property: JsonProperty("accuracy", Order = 2)] double Accuracy,
    [property: JsonProperty("loss", Order = 3)] double Loss,
    [property: JsonProperty("expectedCalibrationError", Order = 4)] double ExpectedCalibrationError,
    [property: JsonProperty("lowestRecall", Order = 5)] double LowestRecall,
    [property: JsonProperty("lowestRecallLabel", Order = 6)] int LowestRecallLabel,
    [property: JsonProperty("perClass", Order = 7)] IReadOnlyList<ClassMetrics> PerClass,
    [property: JsonProperty("macroAverage", Order = 8)] AverageMetrics MacroAverage,
    [property: JsonProperty("weightedAverage", Order = 9)] AverageMetrics WeightedAverage,
    [property: JsonProperty("confusionMatrix", Order = 10)] IReadOnlyList<IReadOnlyList<int>> ConfusionMatrix,
    [property: JsonProperty("calibrationBins", Order = 11)] IReadOnlyList<CalibrationBin> CalibrationBins,
    [property: JsonProperty("mostConfidentWrong", Order = 12)] IReadOnlyList<WrongPrediction> MostConfidentWrong,
    // Left out when absent, so reports without it keep their bytes and older files still read.
    [property: JsonProperty("robustness", Order = 13, NullValueHandling = NullValueHandling.Ignore)] RobustnessReport? Robustness = null)
{
    /// <summary>Examples of true label <paramref name="trueLabel"/> predicted as <paramref name="predictedLabel"/>.</summary>
    public int Confusion(int trueLabel, int predictedLabel) => ConfusionMatrix[trueLabel][predictedLabel];

    /// <summary>Aligned plain-text summary: headline figures, the per-class table and the confusion matrix.</summary>
    public string ToText() => ReportText.Format(this);
}

/// <summary>
/// One class's figures. <see cref="Support"/> counts examples whose true label is this class,
/// <see cref="PredictedCount"/> examples predicted as it. Precision is 0 when the class is never
/// predicted, recall is 0 when it has no support, F1 is 0 when both are 0 (all 0/0 cases give 0).
/// </summary>
public sealed record ClassMetrics(
    [property: JsonProperty("label", Order = 0)] int Label,
    [property: JsonProperty("precision", Order = 1)] double Precision,
    [property: JsonProperty("recall", Order = 2)] double Recall,
    [property: JsonProperty("f1", Order = 3)] double F1,
    [property: JsonProperty("support", Order = 4)] int Support,
    [property: JsonProperty("predictedCount", Order = 5)] int PredictedCount);

/// <summary>
/// An average over classes. Macro: the plain mean of the per-class figures over all classes
/// (classes with no support count, with their 0s). Weighted: the mean weighted by support, so
/// classes with no support do not count; the weighted recall equals the accuracy.
/// F1 is the average of the per-class F1s, not the F1 of the averaged precision and recall.
/// </summary>
public sealed record AverageMetrics(
    [property: JsonProperty("precision", Order = 0)] double Precision,
    [property: JsonProperty("recall", Order = 1)] double Recall,
    [property: JsonProperty("f1", Order = 2)] double F1);

/// <summary>
/// One equal-width confidence bin of the reliability diagram, holding the examples whose
/// confidence (the largest softmax probability) c has <see cref="Lower"/> &lt; c ≤ <see cref="Upper"/>.
/// An empty bin reports 0 for its mean confidence and accuracy.
/// </summary>
public sealed record CalibrationBin(
    [property: JsonProperty("lower", Order = 0)] double Lower,
    [property: JsonProperty("upper", Order = 1)] double Upper,
    [property: JsonProperty("count", Order = 2)] int Count,
    [property: JsonProperty("meanConfidence", Order = 3)] double MeanConfidence,
    [property: JsonProperty("accuracy", Order = 4)] double Accuracy);

/// <summary>A misclassified example: its index in the input, labels, and the model's confidence in its wrong answer.</summary>
public sealed record WrongPrediction(
    [property: JsonProperty("index", Order = 0)] int Index,
    [property: JsonProperty("trueLabel", Order = 1)] int TrueLabel,
    [property: JsonProperty("predictedLabel", Order = 2)] int PredictedLabel,
    [property: JsonProperty("confidence", Order = 3)] double Confidence);
