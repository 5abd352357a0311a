namespace DigitForge.HackerNews.Modelling;

/// <summary>Comment counts to the training target and predictions back to comment counts.</summary>
public static class TargetScale
{
    public static float ToTarget(NewsTarget target, int comments) => target switch
    {
        NewsTarget.Log1p => (float)double.LogP1(comments),
        NewsTarget.Count => comments,
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };

    /// <summary>A predicted target as a comment count; never negative (trees on raw counts can undershoot zero).</summary>
    public static double ToCount(NewsTarget target, double prediction) => target switch
    {
        NewsTarget.Log1p => Math.Max(0.0, double.ExpM1(prediction)),
        NewsTarget.Count => Math.Max(0.0, prediction),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, null),
    };
}
