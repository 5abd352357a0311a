using DigitForge.Inference;
using DigitForge.Scoring.Output;
using DigitForge.Scoring.Pipeline;

namespace DigitForge.Scoring.Tests;

/// <summary>Runs the scoring pipeline in process and reads its output back.</summary>
internal static class Scorer
{
    public static ScoringOutcome Run(ScoringRequest request, Action<ScoringSummary>? onProgress = null, CancellationToken cancellation = default)
    {
        using var run = ScoringRun.Prepare(request);
        return run.RunAsync(onProgress, cancellation).GetAwaiter().GetResult();
    }

    /// <summary>The output's rows by path (in file order).</summary>
    public static List<ScoredImage> Rows(string output, int topK = 3)
    {
        var rows = new List<ScoredImage>();
        ExistingResults.Read(output, ResultFormats.FromPath(output), topK, rows.Add);
        return rows;
    }

    /// <summary>Test-split digits the model gets right with at least 0.98 confidence, the first of each label.</summary>
    public static List<Digit> ConfidentDigits(string onnxPath)
    {
        var split = TestData.TestSplit;
        using var model = OnnxDigitModel.Load(onnxPath);
        var logits = model.Logits(split);
        var probabilities = OnnxDigitModel.Softmax(logits, model.Classes);
        var predictions = OnnxDigitModel.Predictions(logits, model.Classes);
        return [.. Enumerable.Range(0, split.Count)
            .Where(i => predictions[i] == split.Labels[i] && probabilities[(i * model.Classes) + predictions[i]] >= 0.98f)
            .GroupBy(i => split.Labels[i])
            .OrderBy(g => g.Key)
            .Select(g => Digit.From(split, g.First()))];
    }
}
