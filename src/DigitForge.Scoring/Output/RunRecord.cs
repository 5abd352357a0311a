using System.Text.Json;
using System.Text.Json.Nodes;
using DigitForge.Engine.Storage;

namespace DigitForge.Scoring.Output;

/// <summary>
/// <c>&lt;output&gt;.run.json</c>, beside the output file: which model (with its SHA-256) and which
/// settings produced the rows, written when a run starts and again with its summary when it ends.
/// <c>--resume</c> refuses to append rows from another model or other settings to the same file.
/// </summary>
public sealed class RunRecord
{
    public const string Suffix = ".run.json";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly JsonObject settings;

    public RunRecord(string modelDescription, string modelPath, string modelSha256, bool preprocess, int topK, bool recursive, string shard, bool allFiles)
    {
        settings = new JsonObject
        {
            ["modelSha256"] = modelSha256,
            ["preprocessing"] = preprocess ? "mnist" : "raw",
            ["topK"] = topK,
            ["recursive"] = recursive,
            ["shard"] = shard,
        };

        // Only when set, so outputs written before the option existed still resume.
        if (allFiles)
        {
            settings["allFiles"] = true;
        }

        Model = new JsonObject { ["description"] = modelDescription, ["path"] = modelPath };
    }

    private JsonObject Model { get; }

    public static string PathFor(string outputPath) => outputPath + Suffix;

    /// <summary>Throws a usage <see cref="ScoringSetupException"/> naming each setting the earlier run of
    /// <paramref name="outputPath"/> used differently. A missing record (the first run wrote none) passes.</summary>
    public void CheckResumable(string outputPath)
    {
        var path = PathFor(outputPath);
        if (!File.Exists(path))
        {
            return;
        }

        JsonObject? earlier;
        try
        {
            earlier = JsonNode.Parse(File.ReadAllText(path))?["settings"] as JsonObject;
        }
        catch (JsonException ex)
        {
            throw new ScoringSetupException(SetupProblem.Input, $"--resume: {path} is damaged ({ex.Message}); delete it to resume without the check", ex);
        }

        var differences = settings.Select(s => s.Key).Union(earlier?.Select(s => s.Key) ?? [])
            .Where(key => !JsonNode.DeepEquals(settings[key], earlier?[key]))
            .Select(key => $"{key} was {earlier?[key]?.ToJsonString() ?? "missing"}, now {settings[key]?.ToJsonString() ?? "missing"}")
            .ToList();
        if (differences.Count > 0)
        {
            throw new ScoringSetupException(SetupProblem.Usage, $"--resume: {outputPath} was written with other settings ({string.Join("; ", differences)}); resume with the same model and options, or write to another --out");
        }
    }

    /// <summary>Writes the record atomically: <paramref name="status"/>, once finished the summary, and
    /// once completed what <c>digitforge-score merge</c> checks a shard's output against.</summary>
    public void Write(string outputPath, string status, ScoringSummary? summary, RunCompletion? completion = null)
    {
        var document = new JsonObject
        {
            ["status"] = status,
            ["updatedAt"] = DateTimeOffset.UtcNow,
            ["model"] = Model.DeepClone(),
            ["settings"] = settings.DeepClone(),
        };
        if (summary is not null)
        {
            document["summary"] = new JsonObject
            {
                ["total"] = summary.Total,
                ["scored"] = summary.Scored,
                ["failed"] = summary.Failed,
                ["meanConfidence"] = summary.MeanConfidence,
                ["minConfidence"] = summary.MinConfidence,
                ["belowMinConfidence"] = summary.BelowMinConfidence,
                ["perLabel"] = new JsonObject(summary.PerLabel.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                ["skipped"] = summary.Skipped,
                ["firstSkipped"] = new JsonArray([.. summary.FirstSkipped.Select(path => (JsonNode?)path)]),
                ["imagesInSubFoldersNotScored"] = summary.ImagesInSubFolders,
            };
        }

        if (completion is not null)
        {
            document["listing"] = new JsonObject { ["files"] = completion.ListedFiles, ["sha256"] = completion.ListingSha256 };
            document["output"] = new JsonObject { ["rows"] = completion.Rows, ["bytes"] = completion.Bytes };
        }

        AtomicFile.WriteAllText(PathFor(outputPath), document.ToJsonString(Indented) + "\n");
    }
}

/// <summary>
/// A completed run's marks: the fingerprint of the whole folder listing (every shard's files) and the
/// output file as the run left it, its rows and length, so a later truncation or append is seen.
/// </summary>
public sealed record RunCompletion(long ListedFiles, string ListingSha256, long Rows, long Bytes);
