using System.Globalization;

namespace DigitForge.ToyPipeline;

/// <summary>One labelled row: label 1 (high) or 0 (low).</summary>
public sealed record ToyRow(double X, int Label);

/// <summary>The threshold model: x above it is high.</summary>
public sealed record ToyModel(double Threshold)
{
    public const string FileName = "model.json";

    public int Predict(double x) => x > Threshold ? 1 : 0;
}

/// <summary>What Evaluate measures on the test rows (every fourth row).</summary>
public sealed record ToyMetrics(double Accuracy, double LowestRecall, int LowestRecallLabel, IReadOnlyList<double> Recalls, string TestSet)
{
    public const string FileName = "metrics.json";
}

public static class ToyRows
{
    public const string FileName = "rows.csv";

    public static IReadOnlyList<ToyRow> Read(string path) =>
        [.. File.ReadLines(path).Skip(1).Select(line => line.Split(','))
            .Select(p => new ToyRow(double.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture)))];

    public static bool IsTest(int index) => index % 4 == 0;
}
