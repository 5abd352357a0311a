using System.Globalization;
using System.Text;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Modelling;
using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Evaluation;

/// <summary>
/// Scores the test split with the trained model and compares it with two constant baselines learnt
/// from the training split (its mean and its median comment count), on comment counts and on log1p.
/// </summary>
public static class NewsEvaluator
{
    public const string MetricsFile = "metrics.json";
    public const string TextFile = "metrics.txt";
    public const string PredictionsFile = "predictions.csv";

    /// <summary>Comment-count buckets for the error breakdown: (name, min, max or null for no bound).</summary>
    public static readonly IReadOnlyList<(string Name, int Min, int? Max)> BucketBounds =
        [("0", 0, 0), ("1", 1, 1), ("2-5", 2, 5), ("6-20", 6, 20), ("21-100", 21, 100), (">100", 101, null)];

    /// <summary>Writes <c>metrics.json</c>, <c>metrics.txt</c> and <c>predictions.csv</c> (<c>id,actual,predicted</c>) to <paramref name="outputDirectory"/>.</summary>
    public static NewsMetrics Evaluate(IReadOnlyList<Story> train, IReadOnlyList<Story> test, string featurizerPath, string modelDirectory, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        var predictor = NewsPredictor.Load(featurizerPath, modelDirectory);
        var predicted = predictor.Predict([.. test.Select(SubmittedStory.From)]);
        var metrics = Measure(train, test, predicted, predictor.Target);

        Directory.CreateDirectory(outputDirectory);
        JsonFile.Write(Path.Combine(outputDirectory, MetricsFile), metrics);
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, TextFile), MetricsText.Format(metrics));
        AtomicFile.WriteAllText(Path.Combine(outputDirectory, PredictionsFile), PredictionsCsv(test, predicted));
        return metrics;
    }

    /// <summary>The metrics of <paramref name="predicted"/> (comment counts, in test order) and of the baselines; no files.</summary>
    public static NewsMetrics Measure(IReadOnlyList<Story> train, IReadOnlyList<Story> test, IReadOnlyList<double> predicted, NewsTarget target)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(predicted);
        if (train.Count == 0 || test.Count == 0)
            throw new ArgumentException($"Evaluation needs training and test stories (got {train.Count} and {test.Count}).");
        if (predicted.Count != test.Count)
            throw new ArgumentException($"{test.Count} test stories but {predicted.Count} predictions.", nameof(predicted));

        var actual = test.Select(s => (double)s.Comments).ToList();
        var trainComments = train.Select(s => (double)s.Comments).ToList();
        BaselineMetrics Baseline(double constant)
        {
            var scales = Scales(actual, [.. actual.Select(_ => constant)]);
            return new(constant, scales.Count, scales.Log1p);
        }

        return new NewsMetrics(
            TestSetFingerprint(test), train.Count, test.Count, target,
            Scales(actual, predicted),
            Baseline(trainComments.Average()),
            Baseline(RegressionMath.Median(trainComments)),
            Buckets(actual, predicted));
    }

    /// <summary>SHA-256 of the test stories' "id,comments" lines sorted by id: the same stories give the same value in any order.</summary>
    public static string TestSetFingerprint(IEnumerable<Story> test) =>
        ContentHash.OfText(string.Concat(test
            .OrderBy(s => s.Id)
            .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Id},{s.Comments}\n"))));

    private static PredictorMetrics Scales(IReadOnlyList<double> actual, IReadOnlyList<double> predicted) => new(
        RegressionMath.Measure(actual, predicted),
        RegressionMath.Measure([.. actual.Select(double.LogP1)], [.. predicted.Select(double.LogP1)]));

    private static IReadOnlyList<BucketErrors> Buckets(IReadOnlyList<double> actual, IReadOnlyList<double> predicted) =>
        [.. BucketBounds.Select(b =>
        {
            var inside = Enumerable.Range(0, actual.Count).Where(i => actual[i] >= b.Min && (b.Max is null || actual[i] <= b.Max)).ToList();
            if (inside.Count == 0)
                return new BucketErrors(b.Name, b.Min, b.Max, 0, null, null);
            List<double> a = [.. inside.Select(i => actual[i])], p = [.. inside.Select(i => predicted[i])];
            return new BucketErrors(b.Name, b.Min, b.Max, inside.Count, RegressionMath.Mae(a, p), RegressionMath.MeanSignedError(a, p));
        })];

    private static string PredictionsCsv(IReadOnlyList<Story> test, IReadOnlyList<double> predicted)
    {
        var csv = new StringBuilder("id,actual,predicted\n");
        for (var i = 0; i < test.Count; i++)
            csv.Append(CultureInfo.InvariantCulture, $"{test[i].Id},{test[i].Comments},{predicted[i].ToString("0.####", CultureInfo.InvariantCulture)}\n");
        return csv.ToString();
    }
}
