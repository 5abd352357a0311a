using System.Globalization;
using DigitForge.Engine.Config;

namespace DigitForge.Engine.Sweeps;

/// <summary>
/// One <c>--sweep</c> option: a config key and the values it takes, either listed
/// (<c>train.learningRate=0.002,0.004</c>) or as a range (<c>train.seed=1..3</c>: every whole number
/// in a grid; <c>train.learningRate=0.0001..0.01</c>: drawn from, in a random search).
/// </summary>
public sealed record SweepSpec(string Key, IReadOnlyList<string> Values, string? Low = null, string? High = null)
{
    public bool IsRange => Low is not null;

    /// <summary>Both ends are whole numbers: a grid lists them all, a random search draws whole numbers.</summary>
    public bool IsWholeRange => IsRange && long.TryParse(Low, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) && long.TryParse(High, NumberStyles.Integer, CultureInfo.InvariantCulture, out _);

    public static SweepSpec Parse(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            throw new ConfigException($"--sweep '{text}': expected KEY=V1,V2,... or KEY=LOW..HIGH, e.g. train.learningRate=0.002,0.004");
        }

        var key = text[..equals].Trim();
        var values = text[(equals + 1)..].Trim();
        if (key.Split('.').Any(string.IsNullOrWhiteSpace))
        {
            throw new ConfigException($"--sweep '{text}': '{key}' is not a dotted key such as train.seed");
        }

        var dots = values.IndexOf("..", StringComparison.Ordinal);
        if (dots >= 0)
        {
            var (low, high) = (values[..dots].Trim(), values[(dots + 2)..].Trim());
            if (!double.TryParse(low, NumberStyles.Float, CultureInfo.InvariantCulture, out var from) || !double.TryParse(high, NumberStyles.Float, CultureInfo.InvariantCulture, out var to))
            {
                throw new ConfigException($"--sweep '{text}': a range needs two numbers, LOW..HIGH");
            }

            if (from > to)
            {
                throw new ConfigException($"--sweep '{text}': empty range ({low} is above {high})");
            }

            return new SweepSpec(key, [], low, high);
        }

        var listed = values.Split(',').Select(v => v.Trim()).ToList();
        if (listed.All(v => v.Length == 0))
        {
            throw new ConfigException($"--sweep '{text}': no values; give V1,V2,... or LOW..HIGH");
        }

        if (listed.Any(v => v.Length == 0))
        {
            throw new ConfigException($"--sweep '{text}': an empty value in the list");
        }

        return new SweepSpec(key, listed);
    }

    /// <summary>The values a grid takes: the list, or every whole number of the range.</summary>
    public IReadOnlyList<string> GridValues()
    {
        if (!IsRange)
        {
            return Values;
        }

        if (!IsWholeRange)
        {
            throw new ConfigException($"--sweep {Key}={Low}..{High}: a grid needs listed values or a range of whole numbers; draw from a range with --search=random:N");
        }

        var (from, to) = (long.Parse(Low!, CultureInfo.InvariantCulture), long.Parse(High!, CultureInfo.InvariantCulture));
        return [.. Enumerable.Range(0, (int)Math.Min(to - from + 1, int.MaxValue)).Select(i => (from + i).ToString(CultureInfo.InvariantCulture))];
    }
}
