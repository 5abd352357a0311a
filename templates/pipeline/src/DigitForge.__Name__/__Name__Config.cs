using System.ComponentModel.DataAnnotations;

namespace DigitForge.__Name__;

/// <summary>The __name__ recipe (configs/__name__/*.json): one section per stage concern.</summary>
public sealed class __Name__Config
{
    [Required]
    public __Name__Data Data { get; set; } = new();

    [Required]
    public __Name__Train Train { get; set; } = new();
}

/// <summary>Seeded points y = slope x + intercept + noise, x uniform in [0, 1).</summary>
public sealed class __Name__Data
{
    /// <summary>How many points Generate makes; every fifth is held out for Evaluate.</summary>
    [Range(10, 10_000_000)]
    public int Rows { get; set; } = 1000;

    /// <summary>The random generator's seed: the same seed gives the same points.</summary>
    public int Seed { get; set; } = 42;

    [Range(-1000.0, 1000.0)]
    public double Slope { get; set; } = 3.0;

    [Range(-1000.0, 1000.0)]
    public double Intercept { get; set; } = 1.0;

    /// <summary>The largest noise added to a point, either way (uniform).</summary>
    [Range(0.0, 1000.0)]
    public double Noise { get; set; } = 0.5;
}

/// <summary>How Train fits the line.</summary>
public sealed class __Name__Train
{
    /// <summary>Ridge penalty on the slope: 0 is ordinary least squares.</summary>
    [Range(0.0, 1_000_000.0)]
    public double Ridge { get; set; }
}
