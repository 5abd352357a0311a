using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Data.Sources;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;

namespace DigitForge.Mnist.Stages;

/// <summary>
/// Ingest: reads the declared source, verifies it by hash and format, and writes it as plain
/// IDX files (the source's official test set, if any, kept apart) plus a summary.
/// </summary>
public sealed class IngestStage(DataConfig config, SourceResolver sources) : IStage
{
    public const string SummaryFile = "summary.json";


    public string Description => "Reads the data source, checks it by hash and format, and writes it as IDX files.";

    public IReadOnlyList<StageDependency> Dependencies => [];

    public bool HasOfficialTest => config.Idx?.TestImages is not null || config.Folder?.TestPath is not null;

    // The source alone: feedback joins the data at Preprocess, so adding a snapshot re-runs nothing here.
    public StageInputs DescribeInputs() => new(
        new { data = new { config.Idx, config.Folder } },
        sources.LocalInputs(config),
        new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        var (all, test) = sources.Load(config, context.Log);
        Write(context, DatasetFiles.All, all);
        if (test is not null)
        {
            Write(context, DatasetFiles.OfficialTest, test);
        }

        JsonFile.Write(context.OutputFile(SummaryFile), new
        {
            images = all.Count,
            size = $"{all.Rows}x{all.Columns}",
            perClass = ClassCounts(all),
            officialTest = test is null ? null : new { images = test.Count, perClass = ClassCounts(test) },
        });
        context.Log.Info($"{all.Count} images of {all.Rows}x{all.Columns}" + (test is null ? string.Empty : $", official test set of {test.Count}"));
    }

    private static void Write(StageRunContext context, string set, LabelledImages images) =>
        IdxFile.Save(images, context.OutputFile(DatasetFiles.Images(set)), context.OutputFile(DatasetFiles.Labels(set)));

    internal static int[] ClassCounts(LabelledImages images)
    {
        var counts = new int[10];
        foreach (var label in images.Labels)
        {
            counts[label]++;
        }

        return counts;
    }
}
