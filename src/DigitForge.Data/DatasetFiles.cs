using DigitForge.Data.Idx;
using DigitForge.Engine.Stages;

namespace DigitForge.Data;

/// <summary>Names of the IDX file pairs the data stages exchange, e.g. train-images.idx + train-labels.idx.</summary>
public static class DatasetFiles
{
    public const string All = "all";
    public const string OfficialTest = "official-test";
    public const string Train = "train";
    public const string Validation = "validation";
    public const string Test = "test";

    /// <summary>Labelled feedback exported from the prediction log (a feedback snapshot), added to the training split.</summary>
    public const string Feedback = "feedback";

    public static string Images(string set) => $"{set}-images.idx";

    public static string Labels(string set) => $"{set}-labels.idx";

    public static IEnumerable<string> Pair(string set) => [Images(set), Labels(set)];

    /// <summary>Loads the <paramref name="set"/> pair an upstream stage wrote.</summary>
    public static LabelledImages LoadUpstream<TStage>(StageRunContext context, string set) where TStage : IStage =>
        IdxFile.Load(context.UpstreamFile<TStage>(Images(set)), context.UpstreamFile<TStage>(Labels(set)));
}
