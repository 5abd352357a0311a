using System.Globalization;
using DigitForge.Engine.Config;

namespace DigitForge.Engine.Sweeps;

/// <summary>What the sweep's command line asks for.</summary>
/// <param name="RandomCount">With <c>--search=random:N</c>: N members drawn with <paramref name="Seed"/>; null: the grid of <paramref name="Specs"/>.</param>
public sealed record SweepRequest(IReadOnlyList<SweepSpec> Specs, int? RandomCount, int Seed, int MaxRuns);

/// <summary>
/// Plans a sweep's members as the swept values of each: every combination of the <c>--sweep</c>
/// values (a grid), or N seeded draws over the sweep's ranges or, when it names none, the ranges the
/// config class declares (<see cref="SweepRangeAttribute"/>). Refuses an empty sweep, a key given
/// twice and more than <see cref="SweepRequest.MaxRuns"/> members before anything is expanded.
/// </summary>
public static class SweepPlanner
{
    /// <summary>Parses <c>random:N</c>; anything else is an error naming it.</summary>
    public static int ParseSearch(string text)
    {
        const string prefix = "random:";
        return text.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(text[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw new ConfigException($"--search={text}: expected random:N with N a positive whole number, e.g. random:12");
    }

    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Plan(SweepRequest request, Type configType)
    {
        if (request.MaxRuns < 1)
        {
            throw new ConfigException($"--max-runs={request.MaxRuns}: must be at least 1");
        }

        if (request.Specs.GroupBy(s => s.Key, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ConfigException($"--sweep {twice.Key}: given {twice.Count()} times; list its values in one --sweep");
        }

        return request.RandomCount is { } count ? Random(request, count, configType) : Grid(request);
    }

    private static List<IReadOnlyDictionary<string, string>> Grid(SweepRequest request)
    {
        if (request.Specs.Count == 0)
        {
            throw new ConfigException("nothing to sweep: give --sweep=KEY=V1,V2,... (a grid) or --search=random:N");
        }

        var axes = request.Specs.Select(s => (s.Key, Values: s.GridValues())).ToList();
        var total = axes.Aggregate(1.0, (product, axis) => product * axis.Values.Count);
        if (total > request.MaxRuns)
        {
            throw new ConfigException(string.Create(
                CultureInfo.InvariantCulture,
                $"the grid has {total:0} members ({string.Join(" x ", axes.Select(a => $"{a.Values.Count} {a.Key}"))}), more than --max-runs={request.MaxRuns}"));
        }

        IEnumerable<Dictionary<string, string>> members = [new Dictionary<string, string>(StringComparer.Ordinal)];
        foreach (var (key, values) in axes)
        {
            members = members.SelectMany(m => values.Select(v => new Dictionary<string, string>(m, StringComparer.Ordinal) { [key] = v }));
        }

        return [.. members];
    }

    private static List<IReadOnlyDictionary<string, string>> Random(SweepRequest request, int count, Type configType)
    {
        if (count > request.MaxRuns)
        {
            throw new ConfigException($"--search=random:{count} asks for more members than --max-runs={request.MaxRuns}");
        }

        var declared = SweepRanges.Declared(configType).ToDictionary(r => r.Key, StringComparer.OrdinalIgnoreCase);
        var knobs = request.Specs.Count > 0
            ? request.Specs.Select(s => Knob(s, declared.GetValueOrDefault(s.Key))).ToList()
            : [.. declared.Values.Select(r => Knob(r))];
        if (knobs.Count == 0)
        {
            throw new ConfigException($"--search=random:{count}: the pipeline's config declares no ranges to draw from; give them with --sweep=KEY=LOW..HIGH");
        }

        var random = new Random(request.Seed);
        return [.. Enumerable.Range(0, count).Select(_ => (IReadOnlyDictionary<string, string>)knobs.ToDictionary(k => k.Key, k => k.Draw(random), StringComparer.Ordinal))];
    }

    private static Knob Knob(SweepSpec spec, DeclaredRange? declared)
    {
        if (!spec.IsRange)
        {
            return new Knob(spec.Key, r => spec.Values[r.Next(spec.Values.Count)]);
        }

        var (low, high) = (double.Parse(spec.Low!, CultureInfo.InvariantCulture), double.Parse(spec.High!, CultureInfo.InvariantCulture));
        if (declared is { Log: true } && low <= 0)
        {
            throw new ConfigException($"--sweep {spec.Key}={spec.Low}..{spec.High}: {spec.Key} is drawn log-uniformly, so its range must be above 0");
        }

        return spec.IsWholeRange && declared is not { Whole: false }
            ? Knob(new DeclaredRange(spec.Key, low, high, Log: false, Whole: true))
            : Knob(new DeclaredRange(spec.Key, low, high, declared?.Log ?? false, Whole: false));
    }

    private static Knob Knob(DeclaredRange range) => new(range.Key, random =>
    {
        if (range.Whole)
        {
            return random.NextInt64((long)range.Min, (long)range.Max + 1).ToString(CultureInfo.InvariantCulture);
        }

        var u = random.NextDouble();
        var value = range.Log ? Math.Exp(Math.Log(range.Min) + (u * (Math.Log(range.Max) - Math.Log(range.Min)))) : range.Min + (u * (range.Max - range.Min));

        // Four significant digits: the value a member trains with is exactly the one its rebuild line prints.
        return value.ToString("G4", CultureInfo.InvariantCulture);
    });
}

/// <summary>One swept key and how a random search draws its value.</summary>
internal sealed record Knob(string Key, Func<Random, string> Draw);
