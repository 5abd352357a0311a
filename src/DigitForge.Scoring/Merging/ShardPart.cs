using System.Text.Json;
using System.Text.Json.Nodes;
using DigitForge.Scoring.Listing;
using DigitForge.Scoring.Output;

namespace DigitForge.Scoring.Merging;

/// <summary>One shard's output file and what its run record says about it.</summary>
public sealed record ShardPart(string OutputPath, Shard Shard, JsonObject Model, JsonObject Settings, JsonObject? Summary, long ListedFiles, string ListingSha256, long Rows, long Bytes)
{
    public string Name => $"{OutputPath} (shard {Shard})";

    public string ModelSha256 => Settings["modelSha256"]?.GetValue<string>() ?? "?";

    public string ModelDescription => Model["description"]?.GetValue<string>() ?? "?";

    /// <summary>Reads <paramref name="outputPath"/>'s run record; a part that cannot be merged is a
    /// <see cref="ShardMergeException"/> saying why and what to do.</summary>
    public static ShardPart Read(string outputPath)
    {
        var recordPath = RunRecord.PathFor(outputPath);
        if (!File.Exists(outputPath))
        {
            throw new ShardMergeException($"{outputPath}: no such file");
        }

        if (!File.Exists(recordPath))
        {
            throw new ShardMergeException($"{outputPath} has no run record ({recordPath}): not a digitforge-score output, or its run never started");
        }

        JsonObject record;
        try
        {
            record = JsonNode.Parse(File.ReadAllText(recordPath)) as JsonObject ?? throw new InvalidDataException("not a JSON object");
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            throw new ShardMergeException($"{recordPath} is damaged ({ex.Message})");
        }

        var settings = record["settings"] as JsonObject ?? throw new ShardMergeException($"{recordPath} has no settings");
        var shardText = settings["shard"]?.GetValue<string>() ?? "1/1";
        Shard shard;
        try
        {
            shard = Shard.Parse(shardText);
        }
        catch (FormatException ex)
        {
            throw new ShardMergeException($"{recordPath}: {ex.Message}");
        }

        var status = record["status"]?.GetValue<string>();
        if (status != "completed")
        {
            throw new ShardMergeException($"{outputPath} (shard {shard}) is incomplete: its run record says '{status}' (killed, interrupted or still running); finish it with the same digitforge-score command and --resume, then merge");
        }

        if (record["listing"] is not JsonObject listing || record["output"] is not JsonObject output)
        {
            throw new ShardMergeException($"{outputPath} (shard {shard}): its run record has no listing fingerprint (written by a digitforge-score older than merge); score the shard again with --overwrite");
        }

        return new ShardPart(
            outputPath,
            shard,
            record["model"] as JsonObject ?? [],
            settings,
            record["summary"] as JsonObject,
            listing["files"]!.GetValue<long>(),
            listing["sha256"]!.GetValue<string>(),
            output["rows"]!.GetValue<long>(),
            output["bytes"]!.GetValue<long>());
    }
}
