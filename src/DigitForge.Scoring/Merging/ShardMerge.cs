using System.Text.Json;
using System.Text.Json.Nodes;
using DigitForge.Engine.Storage;
using DigitForge.Scoring.Listing;
using DigitForge.Scoring.Output;

namespace DigitForge.Scoring.Merging;

/// <summary>How a merge ended: the shards merged and the rows and bytes written.</summary>
public sealed record MergeResult(int Shards, long Rows, long Bytes);

/// <summary>
/// <c>digitforge-score merge</c>: joins the outputs of shards 1/n ... n/n of one folder into the file a
/// single run over that folder writes, byte for byte: the same header, the same rows in the listing's
/// order. It refuses (a <see cref="ShardMergeException"/> naming every problem, before the output is
/// touched) unless every shard is there exactly once, completed, scored with the same model and
/// settings from the same listing, and unchanged since; the merged rows must hash to that listing.
/// </summary>
public static class ShardMerge
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The shard outputs <paramref name="inputs"/> name: files, their run records, or folders
    /// (every output with a run record in them, not their sub-folders).</summary>
    public static List<string> Outputs(IEnumerable<string> inputs)
    {
        var outputs = new List<string>();
        foreach (var input in inputs.Select(Path.GetFullPath))
        {
            if (Directory.Exists(input))
            {
                var found = Directory.GetFiles(input, "*" + RunRecord.Suffix)
                    .Select(record => record[..^RunRecord.Suffix.Length])
                    .Order(StringComparer.Ordinal)
                    .ToList();
                outputs.AddRange(found.Count > 0 ? found : throw new ScoringSetupException(SetupProblem.Usage, $"{input} holds no shard outputs (files with a {RunRecord.Suffix} beside them)"));
            }
            else
            {
                outputs.Add(input.EndsWith(RunRecord.Suffix, StringComparison.Ordinal) ? input[..^RunRecord.Suffix.Length] : input);
            }
        }

        return outputs.Count > 0 ? [.. outputs.Distinct(StringComparer.Ordinal)] : throw new ScoringSetupException(SetupProblem.Usage, "no shard outputs given");
    }

    public static MergeResult Merge(IReadOnlyList<string> outputs, string output, bool overwrite)
    {
        output = Path.GetFullPath(output);
        var format = ResultFormats.FromPath(output);
        if (outputs.Contains(output, StringComparer.Ordinal))
        {
            throw new ScoringSetupException(SetupProblem.Usage, $"--out {output} is one of the shard outputs; merge into another file");
        }

        if (File.Exists(output) && !overwrite)
        {
            throw new ScoringSetupException(SetupProblem.Usage, $"{output} already exists; pass --overwrite to replace it");
        }

        var parts = Check(outputs, format);
        using var fingerprint = new ListingFingerprint();
        long rows = 0;
        AtomicFile.Write(output, stream => rows = WriteRows(parts, stream, fingerprint));
        var first = parts[0];
        if (fingerprint.Files != first.ListedFiles || fingerprint.Sha256() != first.ListingSha256)
        {
            File.Delete(output);
            throw new ShardMergeException($"the merged rows ({fingerprint.Files} files) are not the listing the shards scored ({first.ListedFiles} files, sha256 {first.ListingSha256}): a shard output was edited; score the shards again");
        }

        var bytes = new FileInfo(output).Length;
        WriteRecord(parts, output, fingerprint, rows, bytes);
        return new MergeResult(parts.Count, rows, bytes);
    }

    /// <summary>Every part's record, and the parts together, checked; all problems in one exception.</summary>
    private static List<ShardPart> Check(IReadOnlyList<string> outputs, ResultFormat format)
    {
        var problems = new List<string>();
        var parts = new List<ShardPart>();
        foreach (var path in outputs)
        {
            try
            {
                var part = ShardPart.Read(path);
                if (ResultFormats.FromPath(path) != format)
                {
                    problems.Add($"{part.Name} is {ResultFormats.FromPath(path)}, but --out asks for {format}: merge into a file of the shards' format");
                }
                else if (new FileInfo(path).Length != part.Bytes)
                {
                    problems.Add($"{part.Name} has {new FileInfo(path).Length} bytes, but its run completed with {part.Bytes}: it changed since; score the shard again with --overwrite");
                }

                parts.Add(part);
            }
            catch (ShardMergeException ex)
            {
                problems.Add(ex.Message);
            }
        }

        if (parts.Count > 0)
        {
            problems.AddRange(SetProblems(parts));
        }

        return problems.Count == 0
            ? [.. parts.OrderBy(p => p.Shard.Index)]
            : throw new ShardMergeException($"cannot merge {outputs.Count} shard output{(outputs.Count == 1 ? string.Empty : "s")}:\n  " + string.Join("\n  ", problems));
    }

    private static IEnumerable<string> SetProblems(List<ShardPart> parts)
    {
        var first = parts[0];
        foreach (var group in parts.GroupBy(p => p.Shard.Count).Skip(1))
        {
            yield return $"shard counts differ: {first.Name} is one of {first.Shard.Count}, {group.First().Name} one of {group.Key}";
        }

        var count = first.Shard.Count;
        foreach (var twice in parts.GroupBy(p => p.Shard).Where(g => g.Count() > 1))
        {
            yield return $"shard {twice.Key} is given {twice.Count()} times: {string.Join(", ", twice.Select(p => p.OutputPath))}";
        }

        var missing = Enumerable.Range(1, count).Where(i => !parts.Any(p => p.Shard == new Shard(i, count))).ToList();
        if (missing.Count > 0)
        {
            yield return $"shard{(missing.Count == 1 ? string.Empty : "s")} {string.Join(", ", missing.Select(i => $"{i}/{count}"))} of {count} {(missing.Count == 1 ? "is" : "are")} missing: score {(missing.Count == 1 ? "it" : "each")} with --shard i/{count} (have {string.Join(", ", parts.Select(p => p.Shard.ToString()).Order(StringComparer.Ordinal))})";
        }

        foreach (var part in parts.Skip(1))
        {
            if (part.ModelSha256 != first.ModelSha256)
            {
                yield return $"different models: {first.Name} was scored with {first.ModelDescription} (sha256 {first.ModelSha256}), {part.Name} with {part.ModelDescription} (sha256 {part.ModelSha256})";
            }

            var differences = first.Settings.Select(s => s.Key).Union(part.Settings.Select(s => s.Key))
                .Where(key => key is not "shard" and not "modelSha256" && !JsonNode.DeepEquals(first.Settings[key], part.Settings[key]))
                .Select(key => $"{key} {first.Settings[key]?.ToJsonString() ?? "missing"} and {part.Settings[key]?.ToJsonString() ?? "missing"}")
                .ToList();
            if (differences.Count > 0)
            {
                yield return $"different settings: {first.Name} and {part.Name} ({string.Join("; ", differences)})";
            }

            if (part.ListedFiles != first.ListedFiles || part.ListingSha256 != first.ListingSha256)
            {
                yield return $"different folder listings: {first.Name} listed {first.ListedFiles} files (sha256 {first.ListingSha256}), {part.Name} {part.ListedFiles} (sha256 {part.ListingSha256}): score every shard from the same folder contents";
            }
        }
    }

    /// <summary>Writes the header once, then the parts' rows in listing order (each part is already in
    /// it), checking each row belongs to its part's shard; returns the rows written.</summary>
    private static long WriteRows(List<ShardPart> parts, Stream stream, ListingFingerprint fingerprint)
    {
        var readers = new List<RawRowReader>();
        try
        {
            readers.AddRange(parts.Select(p => new RawRowReader(p.OutputPath, ResultFormats.FromPath(p.OutputPath))));
            var output = new BufferedStream(stream, 1 << 16);
            var header = readers[0].Header;
            output.Write(header);
            var queue = new PriorityQueue<int, string>(ListingOrder.Instance);
            var counts = new long[parts.Count];
            for (var i = 0; i < readers.Count; i++)
            {
                if (!readers[i].Header.AsSpan().SequenceEqual(header))
                {
                    throw new ShardMergeException($"{parts[i].Name} has another header than {parts[0].Name}");
                }

                Advance(parts[i], readers[i], queue, i, counts);
            }

            string? previous = null;
            while (queue.TryDequeue(out var index, out var path))
            {
                if (previous is not null && ListingOrder.Instance.Compare(previous, path) >= 0)
                {
                    throw new ShardMergeException($"{parts[index].Name}: row '{path}' is out of listing order (after '{previous}'); score the shard again with --overwrite");
                }

                output.Write(readers[index].Row);
                fingerprint.Add(path);
                previous = path;
                Advance(parts[index], readers[index], queue, index, counts);
            }

            output.Flush();
            for (var i = 0; i < parts.Count; i++)
            {
                if (counts[i] != parts[i].Rows)
                {
                    throw new ShardMergeException($"{parts[i].Name} has {counts[i]} rows, but its run completed with {parts[i].Rows}: score the shard again with --overwrite");
                }
            }

            return counts.Sum();
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
        }
    }

    private static void Advance(ShardPart part, RawRowReader reader, PriorityQueue<int, string> queue, int index, long[] counts)
    {
        bool more;
        try
        {
            more = reader.Next();
        }
        catch (InvalidDataException ex)
        {
            throw new ShardMergeException($"{part.Name}: row {counts[index] + 1} is damaged ({ex.Message}); score the shard again with --overwrite");
        }

        if (!more)
        {
            if (reader.TornTail)
            {
                throw new ShardMergeException($"{part.Name} ends inside a row: score the shard again with --overwrite");
            }

            return;
        }

        if (!part.Shard.Contains(reader.Path))
        {
            throw new ShardMergeException($"{part.Name}: row '{reader.Path}' belongs to another shard; the file is not shard {part.Shard}'s output");
        }

        counts[index]++;
        queue.Enqueue(index, reader.Path);
    }

    /// <summary>The merged output's run record: the shards' model and settings as a whole run (shard
    /// 1/1, so the single-process command can --resume it), their summaries added up, and the parts.</summary>
    private static void WriteRecord(List<ShardPart> parts, string output, ListingFingerprint fingerprint, long rows, long bytes)
    {
        var settings = (JsonObject)parts[0].Settings.DeepClone();
        settings["shard"] = Shard.All.ToString();
        var document = new JsonObject
        {
            ["status"] = "completed",
            ["updatedAt"] = DateTimeOffset.UtcNow,
            ["model"] = parts[0].Model.DeepClone(),
            ["settings"] = settings,
        };
        if (parts.All(p => p.Summary is not null))
        {
            document["summary"] = Summary([.. parts.Select(p => p.Summary!)]);
        }

        document["listing"] = new JsonObject { ["files"] = fingerprint.Files, ["sha256"] = fingerprint.Sha256() };
        document["output"] = new JsonObject { ["rows"] = rows, ["bytes"] = bytes };
        document["mergedFrom"] = new JsonArray([.. parts.Select(p => (JsonNode?)new JsonObject { ["shard"] = p.Shard.ToString(), ["path"] = p.OutputPath })]);
        AtomicFile.WriteAllText(RunRecord.PathFor(output), document.ToJsonString(Indented) + "\n");
    }

    private static JsonObject Summary(List<JsonObject> summaries)
    {
        long Sum(string key) => summaries.Sum(s => s[key]?.GetValue<long>() ?? 0);
        var scored = Sum("scored");
        var perLabel = new JsonObject();
        foreach (var (label, count) in summaries.SelectMany(s => s["perLabel"] as JsonObject ?? []))
        {
            perLabel[label] = (perLabel[label]?.GetValue<long>() ?? 0) + (count?.GetValue<long>() ?? 0);
        }

        return new JsonObject
        {
            ["total"] = Sum("total"),
            ["scored"] = scored,
            ["failed"] = Sum("failed"),
            ["meanConfidence"] = scored == 0 ? 0 : summaries.Sum(s => (s["meanConfidence"]?.GetValue<double>() ?? 0) * (s["scored"]?.GetValue<long>() ?? 0)) / scored,
            ["minConfidence"] = summaries[0]["minConfidence"]?.DeepClone(),
            ["belowMinConfidence"] = Sum("belowMinConfidence"),
            ["perLabel"] = perLabel,
            ["skipped"] = Sum("skipped"),
            ["firstSkipped"] = new JsonArray([.. summaries.SelectMany(s => s["firstSkipped"] as JsonArray ?? []).Select(n => n!.GetValue<string>()).Order(ListingOrder.Instance).Take(ScoringSummary.ShownSkipped).Select(p => (JsonNode?)p)]),

            // Every shard counts the whole tree's sub-folder images, not only its own.
            ["imagesInSubFoldersNotScored"] = summaries[0]["imagesInSubFoldersNotScored"]?.DeepClone(),
        };
    }
}
