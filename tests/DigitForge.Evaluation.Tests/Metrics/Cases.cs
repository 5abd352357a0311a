namespace DigitForge.Evaluation.Tests.Metrics;

/// <summary>Small hand-computable inputs, 3 classes.</summary>
internal static class Cases
{
    public const int Classes = 3;

    public static float[] Rows(params float[][] rows) => rows.SelectMany(r => r).ToArray();

    /// <summary>Logits that predict <paramref name="label"/> (logit 2, the others 0).</summary>
    public static float[] Predicting(int label) => Enumerable.Range(0, Classes).Select(c => c == label ? 2f : 0f).ToArray();

    /// <summary>
    /// Seven examples as (true, predicted): (0,0) (0,0) (0,1) (1,1) (1,0) (2,1) (2,0).
    /// Confusion rows [2 1 0] [1 1 0] [1 1 0]: class 2 is never predicted.
    /// </summary>
    public static (float[] Logits, byte[] Labels) SevenExamples()
    {
        (byte True, int Predicted)[] pairs = [(0, 0), (0, 0), (0, 1), (1, 1), (1, 0), (2, 1), (2, 0)];
        return (Rows(pairs.Select(p => Predicting(p.Predicted)).ToArray()), pairs.Select(p => p.True).ToArray());
    }
}
