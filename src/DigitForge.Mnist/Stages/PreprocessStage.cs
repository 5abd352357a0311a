using System.Security.Cryptography;
using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Kit.Splitting;
using DigitForge.Monitoring.Feedback;

namespace DigitForge.Mnist.Stages;

/// <summary>
/// Preprocess: a stratified, seeded train/validation/test split (the source's official test set,
/// where it has one, is the test split), the feedback snapshots' images added to the training split
/// (each <c>data.feedbackRepeat</c> times), and normalisation statistics from the training split only.
/// </summary>
public sealed class PreprocessStage(PreprocessConfig config, bool hasOfficialTest, TrainingFeedback feedback) : IStage
{
    public const string NormalizationFile = "normalization.json";
    public const string SplitFile = "split.json";


    public string Description => "Splits the images into training, validation and test sets (stratified, seeded); normalisation from the training split.";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        StageDependency.On<IngestStage>([.. DatasetFiles.Pair(DatasetFiles.All), .. hasOfficialTest ? DatasetFiles.Pair(DatasetFiles.OfficialTest) : []]),
    ];

    public StageInputs DescribeInputs()
    {
        var (data, files) = feedback.Inputs();
        return new(data is null ? new { preprocess = config } : new { preprocess = config, data }, files, new Dictionary<string, string>());
    }

    public void Run(StageRunContext context)
    {
        var all = DatasetFiles.LoadUpstream<IngestStage>(context, DatasetFiles.All);
        LabelledImages train, validation, test;
        if (hasOfficialTest)
        {
            var officialTest = DatasetFiles.LoadUpstream<IngestStage>(context, DatasetFiles.OfficialTest);
            var split = StratifiedSplitter.SplitWithOfficialTest(all.Labels, officialTest.Count, config.ValidationFraction, config.Seed, config.MaxPerClass);
            (train, validation, test) = (all.Subset(split.Train), all.Subset(split.Validation), officialTest);
        }
        else
        {
            var split = StratifiedSplitter.Split(all.Labels, config.TestFraction, config.ValidationFraction, config.Seed, config.MaxPerClass);
            (train, validation, test) = (all.Subset(split.Train), all.Subset(split.Validation), all.Subset(split.Test));
        }

        // Feedback joins the training split only: the test split stays comparable from version to version. Snapshots
        // may overlap (each export takes every labelled prediction up to then): an example an earlier snapshot of the
        // recipe brought is not brought again.
        var joined = new HashSet<string>(StringComparer.Ordinal);
        var added = 0;
        foreach (var snapshot in feedback.Snapshots)
        {
            snapshot.Verify();
            var given = IdxFile.Load(snapshot.File(DatasetFiles.Images(DatasetFiles.Feedback)), snapshot.File(DatasetFiles.Labels(DatasetFiles.Feedback)));
            if ((given.Rows, given.Columns) != (train.Rows, train.Columns))
            {
                throw new DataFormatException(snapshot.Directory, $"feedback images are {given.Rows}x{given.Columns}, the data's are {train.Rows}x{train.Columns}");
            }

            var keys = Enumerable.Range(0, given.Count).Select(i => $"{given.Labels[i]}:{Convert.ToHexString(SHA256.HashData(given.Image(i)))}").ToList();
            var images = given.Subset([.. Enumerable.Range(0, given.Count).Where(i => !joined.Contains(keys[i]))]);
            joined.UnionWith(keys);
            added += images.Count;

            for (var i = 0; i < feedback.Repeat; i++)
            {
                train = train.Append(images);
            }
        }

        foreach (var (set, images) in new[] { (DatasetFiles.Train, train), (DatasetFiles.Validation, validation), (DatasetFiles.Test, test) })
        {
            IdxFile.Save(images, context.OutputFile(DatasetFiles.Images(set)), context.OutputFile(DatasetFiles.Labels(set)));
        }

        var stats = NormalizationStats.Compute(train);
        JsonFile.Write(context.OutputFile(NormalizationFile), stats);
        JsonFile.Write(context.OutputFile(FeedbackFacts.FileName), feedback.Facts);
        JsonFile.Write(context.OutputFile(SplitFile), new
        {
            train = IngestStage.ClassCounts(train),
            validation = IngestStage.ClassCounts(validation),
            test = IngestStage.ClassCounts(test),
            officialTest = hasOfficialTest,
        });
        context.Log.Info($"train {train.Count}{feedback.Note(added)}, validation {validation.Count}, test {test.Count}; normalisation mean {stats.Mean:0.0000} std {stats.Std:0.0000}");
    }
}
