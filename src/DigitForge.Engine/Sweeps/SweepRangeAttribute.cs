namespace DigitForge.Engine.Sweeps;

/// <summary>
/// Declares the range a random sweep (<c>--search=random:N</c>) draws a config value from when the
/// sweep names no range of its own: the config class is the one place a knob's sensible range lives.
/// </summary>
/// <param name="min">The smallest value drawn.</param>
/// <param name="max">The largest value drawn.</param>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SweepRangeAttribute(double min, double max) : Attribute
{
    public double Min { get; } = min;

    public double Max { get; } = max;

    /// <summary>Drawn log-uniformly: rates and decays, whose useful values span orders of magnitude.</summary>
    public bool Log { get; init; }
}
