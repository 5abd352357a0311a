using System.Globalization;
using System.Text;

namespace DigitForge.Kit.Metrics;

/// <summary>
/// A classifier's test figures: accuracy, macro-F1 (the mean of the classes' F1, so a small class counts as much as
/// a large one), log-loss of the predicted probabilities, each class's recall, and the confusion matrix (rows: true class).
/// </summary>
public sealed record ClassificationMetrics(
    int Examples,
    double Accuracy,
    double MacroF1,
    double LogLoss,
    IReadOnlyList<string> Classes,
    IReadOnlyList<double> Recall,
    IReadOnlyList<IReadOnlyList<int>> Confusion,
    string TestSet)
{
    // Keeps log-loss finite when a model gives the true class probability 0.
    private const double MinProbability = 1e-15;

    /// <summary>From each example's true class, predicted class and the probability it gave the true class.</summary>
    public static ClassificationMetrics Of(IReadOnlyList<string> classes, IReadOnlyList<int> truth, IReadOnlyList<int> predicted, IReadOnlyList<double> trueClassProbability, string testSet)
    {
        ArgumentOutOfRangeException.ThrowIfZero(truth.Count);
        var confusion = classes.Select(_ => new int[classes.Count]).ToArray();
        for (var i = 0; i < truth.Count; i++)
        {
            confusion[truth[i]][predicted[i]]++;
        }

        var recall = new double[classes.Count];
        var f1 = new double[classes.Count];
        for (var c = 0; c < classes.Count; c++)
        {
            var actual = confusion[c].Sum();
            var claimed = confusion.Sum(row => row[c]);
            var hit = confusion[c][c];
            recall[c] = actual == 0 ? 0 : (double)hit / actual;
            f1[c] = actual + claimed == 0 ? 0 : 2.0 * hit / (actual + claimed);
        }

        var logLoss = -trueClassProbability.Average(p => Math.Log(Math.Max(p, MinProbability)));
        return new(
            truth.Count,
            Math.Round((double)Enumerable.Range(0, classes.Count).Sum(c => confusion[c][c]) / truth.Count, 6),
            Math.Round(f1.Average(), 6),
            Math.Round(logLoss, 6),
            classes,
            [.. recall.Select(r => Math.Round(r, 6))],
            confusion,
            testSet);
    }

    /// <summary>The headline figures by name, as the run history and the registry record them.</summary>
    public IReadOnlyDictionary<string, double> Figures() => new Dictionary<string, double>
    {
        ["accuracy"] = Accuracy,
        ["macroF1"] = MacroF1,
        ["logLoss"] = LogLoss,
    };

    /// <summary>The figures as a few lines of text, for people: headline, then recall per class and the confusion matrix.</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Examples} test examples: accuracy {Accuracy:P2}, macro-F1 {MacroF1:0.0000}, log-loss {LogLoss:0.0000}");
        var width = Math.Max(5, Classes.Max(c => c.Length));
        text.AppendLine(CultureInfo.InvariantCulture, $"{"class".PadRight(width)}  recall  confusion (predicted: {string.Join(" ", Classes)})");
        for (var c = 0; c < Classes.Count; c++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{Classes[c].PadRight(width)}  {Recall[c],6:P1}  {string.Join(" ", Confusion[c])}");
        }

        return text.ToString();
    }
}
