using System.Globalization;
using DigitForge.Monitoring.Store;

namespace DigitForge.Monitoring.Feedback;

/// <summary>One label given for a predicted input: <see cref="Reference"/> names it (an id as logged, or a file), <see cref="Where"/> locates the entry.</summary>
public sealed record LabelEntry(string Reference, string Label, string Where);

/// <summary>
/// Labels given later for predicted inputs (<c>digitforge feedback</c>): a CSV of <c>path,label</c> or a
/// folder with one sub-folder per label, joined to the prediction log by id, by the file's full
/// path, or by its content hash (a file moved or copied since it was scored).
/// </summary>
public static class LabelFeedback
{
    // Labelled files kept per transaction: bounds the memory a large folder of labels takes.
    private const int KeptPerTransaction = 500;

    /// <summary>The refusal of an outcome for an id that was never predicted.</summary>
    public const string UnknownId = "unknown id (never predicted)";

    /// <summary>The entries of <paramref name="input"/>: a folder of label sub-folders, or a CSV file (<c>path,label</c>, header optional; paths relative to the file's folder).</summary>
    public static IEnumerable<LabelEntry> Read(string input) =>
        Directory.Exists(input) ? ReadFolder(input)
        : File.Exists(input) ? ReadCsv(input)
        : throw new FileNotFoundException($"{input}: no such file or folder of labels");

    /// <summary>Joins <paramref name="entries"/> to <paramref name="pipeline"/>'s prediction log and records their labels as outcomes.</summary>
    /// <param name="classes">The labels a classification predicts, any other is refused; empty for a regression, whose labels are numbers.</param>
    public static GroundTruthReport Record(IMonitorStore store, string pipeline, IReadOnlyList<string> classes, IEnumerable<LabelEntry> entries, string source, DateTimeOffset now)
    {
        var report = new GroundTruthReport();
        var known = classes.ToHashSet(StringComparer.Ordinal);
        var labelled = new Dictionary<string, string>(StringComparer.Ordinal);
        var outcomes = new List<Outcome>();
        var kept = new SortedSet<string>(StringComparer.Ordinal);
        var given = entries.ToList();
        var matches = Match(store, pipeline, given.Select(e => e.Reference));
        foreach (var entry in given)
        {
            report.Given++;
            if (Refusal(known, entry.Label, out var value) is { } why)
            {
                report.Refuse(why, $"{entry.Where}: '{entry.Label}'");
                continue;
            }

            var ids = matches[entry.Reference];
            if (ids.Count == 0)
            {
                report.Refuse(UnknownId, $"{entry.Where}: {entry.Reference}");
                continue;
            }

            foreach (var id in ids)
            {
                if (labelled.TryGetValue(id, out var first))
                {
                    report.Refuse("duplicate", $"{entry.Where}: {id} labelled again{(first == entry.Label ? string.Empty : $", {entry.Label} after {first}")}; the first label is kept");
                    continue;
                }

                labelled[id] = entry.Label;
                outcomes.Add(new Outcome(pipeline, id, value is null ? entry.Label : null, value, now, source));
                if (File.Exists(entry.Reference))
                {
                    kept.Add(Path.GetFullPath(entry.Reference));
                }
            }
        }

        store.RecordOutcomes(outcomes);
        // The labelled files themselves too: the export that turns them into training data may run elsewhere (CI), or
        // after they moved; a served image's only copy is the one labelled here.
        foreach (var chunk in kept.Chunk(KeptPerTransaction))
        {
            store.KeepInputs(pipeline, [.. chunk.Select(File.ReadAllBytes)]);
        }

        report.Recorded = outcomes.Count;
        return report;
    }

    /// <summary>Why <paramref name="label"/> is refused as an outcome, or null; <paramref name="value"/>: the number a regression's label reads as.</summary>
    /// <param name="classes">A classification's labels; empty for a regression, whose labels are numbers.</param>
    public static string? Refusal(IReadOnlySet<string> classes, string label, out double? value)
    {
        value = null;
        if (classes.Count > 0)
        {
            return classes.Contains(label) ? null : "label outside the classes";
        }

        if (!double.TryParse(label, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            return "value not a number";
        }

        value = number;
        return null;
    }

    /// <summary>The logged ids each reference names: itself, else the file's full path, else every input with the
    /// file's content (all of those looked up in one pass over the log).</summary>
    private static Dictionary<string, IReadOnlyList<string>> Match(IMonitorStore store, string pipeline, IEnumerable<string> references)
    {
        var matches = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var byContent = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reference in references.Distinct(StringComparer.Ordinal))
        {
            var path = Path.GetFullPath(reference);
            matches[reference] = store.WasPredicted(pipeline, reference) ? [reference]
                : store.WasPredicted(pipeline, path) ? [path]
                : [];
            if (matches[reference].Count == 0 && File.Exists(path))
            {
                byContent[reference] = PredictionRecord.HashOf(File.ReadAllBytes(path));
            }
        }

        var ids = store.IdsWithInputs(pipeline, byContent.Values.ToHashSet(StringComparer.Ordinal));
        foreach (var (reference, hash) in byContent)
        {
            matches[reference] = ids.GetValueOrDefault(hash, []);
        }

        return matches;
    }

    private static IEnumerable<LabelEntry> ReadFolder(string folder)
    {
        foreach (var labelFolder in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var label = Path.GetFileName(labelFolder);
            foreach (var file in Directory.GetFiles(labelFolder).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
            {
                yield return new LabelEntry(file, label, Path.GetRelativePath(folder, file));
            }
        }
    }

    private static IEnumerable<LabelEntry> ReadCsv(string file)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var number = 0;
        foreach (var line in File.ReadLines(file))
        {
            number++;
            var where = string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)} line {number}");
            if (line.Length == 0 || (number == 1 && line.Trim().Equals("path,label", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            // The label is the last field, so a path may hold commas.
            var comma = line.LastIndexOf(',');
            if (comma <= 0)
            {
                throw new InvalidDataException($"{where}: expected path,label, got '{line}'");
            }

            var reference = line[..comma].Trim().Trim('"');
            var absolute = Path.IsPathRooted(reference) ? reference : Path.Combine(folder, reference);

            // A reference that is no file stays as written: an id the service logged, say.
            yield return new LabelEntry(File.Exists(absolute) ? absolute : reference, line[(comma + 1)..].Trim(), where);
        }
    }
}
