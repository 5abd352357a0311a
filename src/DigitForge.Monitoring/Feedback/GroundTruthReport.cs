using System.Globalization;

namespace DigitForge.Monitoring.Feedback;

/// <summary>
/// What became of the ground truth given: how much was recorded, and each kind of entry that was
/// not, counted and with its first examples, so nothing is dropped silently.
/// </summary>
public sealed class GroundTruthReport
{
    private const int ExamplesPerKind = 5;

    private readonly Dictionary<string, (int Count, List<string> Examples)> refused = new(StringComparer.Ordinal);

    /// <summary>Entries read from the input (or stories due).</summary>
    public int Given { get; set; }

    /// <summary>Outcomes stored (an entry matching several logged ids counts once per id).</summary>
    public int Recorded { get; set; }

    /// <summary>Entries not recorded, by why; e.g. "unknown id", "duplicate", "label outside the classes".</summary>
    public IReadOnlyDictionary<string, int> Refused => refused.ToDictionary(r => r.Key, r => r.Value.Count, StringComparer.Ordinal);

    public void Refuse(string why, string example)
    {
        if (!refused.TryGetValue(why, out var entry))
        {
            entry = (0, []);
        }

        if (entry.Examples.Count < ExamplesPerKind)
        {
            entry.Examples.Add(example);
        }

        refused[why] = (entry.Count + 1, entry.Examples);
    }

    /// <summary>The report as printed: a totals line, then one line per kind of refused entry with its first examples.</summary>
    public IEnumerable<string> Lines(string what)
    {
        yield return string.Create(CultureInfo.InvariantCulture, $"{what}: {Given} given, {Recorded} recorded, {refused.Values.Sum(r => r.Count)} not recorded");
        foreach (var (why, (count, examples)) in refused.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"  {why}: {count} ({string.Join("; ", examples)}{(count > examples.Count ? "; ..." : string.Empty)})");
        }
    }
}
