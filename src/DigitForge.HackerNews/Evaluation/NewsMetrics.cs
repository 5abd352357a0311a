using DigitForge.HackerNews.Modelling;

namespace DigitForge.HackerNews.Evaluation;

/// <summary>A predictor's metrics on comment counts and on log(1 + comments), where heavy-tailed errors weigh less.</summary>
public sealed record PredictorMetrics(ScaleMetrics Count, ScaleMetrics Log1p);

/// <summary>A constant predictor learnt from the training split: what the model has to beat.</summary>
public sealed record BaselineMetrics(double Prediction, ScaleMetrics Count, ScaleMetrics Log1p);

/// <summary>
/// The model's errors on test stories whose actual comment count is in [<see cref="Min"/>, <see cref="Max"/>]
/// (no upper bound when <see cref="Max"/> is null); <see cref="Mae"/> and <see cref="MeanSignedError"/> are null for an empty bucket.
/// </summary>
public sealed record BucketErrors(string Bucket, int Min, int? Max, int Stories, double? Mae, double? MeanSignedError);

/// <summary>
/// <c>metrics.json</c>. <see cref="TestSet"/> is the SHA-256 of the test stories' ids and comment
/// counts: metrics of two models are comparable only when it is the same.
/// </summary>
public sealed record NewsMetrics(
    string TestSet,
    int TrainStories,
    int TestStories,
    NewsTarget Target,
    PredictorMetrics Model,
    BaselineMetrics MeanBaseline,
    BaselineMetrics MedianBaseline,
    IReadOnlyList<BucketErrors> Buckets);
