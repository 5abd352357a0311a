using System.ComponentModel.DataAnnotations;

namespace DigitForge.HackerNews.Splitting;

/// <summary>How stories are held out for testing.</summary>
public enum SplitMethod
{
    /// <summary>A seeded shuffle, as the seed pipeline's train_test_split.</summary>
    Random,

    /// <summary>Train on the older stories, test on the newest (by CreatedAt, then Id): no peeking at the future.</summary>
    Time,
}

/// <summary>The <c>split</c> section: how the stories are split into training and test sets.</summary>
public sealed class SplitConfig
{
    public SplitMethod Method { get; set; } = SplitMethod.Random;

    /// <summary>Share of the stories held out for testing (rounded up, at least one story, never all).</summary>
    [Range(0.01, 0.9)]
    public double TestFraction { get; set; } = 0.2;

    /// <summary>Seed of the random split's shuffle; the time split does not use it.</summary>
    [Range(0, int.MaxValue)]
    public int Seed { get; set; } = 42;
}
