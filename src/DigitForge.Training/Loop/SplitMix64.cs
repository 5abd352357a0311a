namespace DigitForge.Training.Loop;

/// <summary>
/// A tiny seeded generator (SplitMix64) for shuffling and augmentation draws. Our own, so that the
/// sequence for a seed is fixed by this code, not by a runtime's <see cref="Random"/> implementation.
/// </summary>
public sealed class SplitMix64
{
    private ulong state;

    public SplitMix64(ulong seed) => state = seed;

    /// <summary>A generator for one purpose of one run, so that streams for different purposes
    /// (shuffling, augmentation, ...) do not overlap.</summary>
    public static SplitMix64 ForStream(int seed, ulong stream) =>
        new(Mix(unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (stream + 1) * 0xD1B54A32D192ED03UL)));

    public ulong NextUInt64()
    {
        state = unchecked(state + 0x9E3779B97F4A7C15UL);
        return Mix(state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [min, max].</summary>
    public double NextDouble(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>Uniform integer in [0, exclusiveMax), without modulo bias.</summary>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        var bound = (ulong)exclusiveMax;
        var threshold = (0UL - bound) % bound;
        while (true)
        {
            var r = NextUInt64();
            if (r >= threshold)
            {
                return (int)(r % bound);
            }
        }
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<long> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
