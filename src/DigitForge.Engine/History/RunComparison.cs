namespace DigitForge.Engine.History;

/// <summary>One parameter that differs between two runs; null: the run does not have it.</summary>
public sealed record ParameterChange(string Key, string? Old, string? New);

/// <summary>One metric of two runs; the delta when both have it.</summary>
public sealed record MetricChange(string Name, double? Old, double? New)
{
    public double? Delta => Old is { } o && New is { } n ? n - o : null;
}

/// <summary>What changed from run A to run B: the parameters that differ and every metric either has.</summary>
public sealed record RunDiff(string A, string B, IReadOnlyList<ParameterChange> Parameters, IReadOnlyList<MetricChange> Metrics)
{
    public static RunDiff Between(string a, IReadOnlyDictionary<string, string> paramsA, IReadOnlyDictionary<string, double> metricsA,
        string b, IReadOnlyDictionary<string, string> paramsB, IReadOnlyDictionary<string, double> metricsB)
    {
        var parameters = paramsA.Keys.Union(paramsB.Keys).Order(StringComparer.Ordinal)
            .Select(key => new ParameterChange(key, paramsA.GetValueOrDefault(key), paramsB.GetValueOrDefault(key)))
            .Where(change => change.Old != change.New)
            .ToList();
        var metrics = metricsA.Keys.Union(metricsB.Keys).Order(StringComparer.Ordinal)
            .Select(name => new MetricChange(name, metricsA.TryGetValue(name, out var o) ? o : null, metricsB.TryGetValue(name, out var n) ? n : null))
            .ToList();
        return new RunDiff(a, b, parameters, metrics);
    }
}

/// <summary>Across many runs: which flattened parameters do not have one value in all of them.</summary>
public static class RunParameters
{
    /// <summary>The keys whose value (or presence) differs between at least two of <paramref name="runs"/>, sorted.</summary>
    public static IReadOnlyList<string> Differing(IReadOnlyList<IReadOnlyDictionary<string, string>> runs) =>
        [.. runs.SelectMany(r => r.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Where(key => runs.Select(r => r.GetValueOrDefault(key)).Distinct(StringComparer.Ordinal).Skip(1).Any())];
}
