using System.Diagnostics;
using DigitForge.Engine.Storage;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Features;
using DigitForge.HackerNews.Stories;
using DigitForge.Kit.Modelling;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace DigitForge.HackerNews.Modelling;

/// <summary>
/// Trains FastTree gradient-boosted regression trees on the featurized training split. Same stories,
/// featurizer and config give the same <c>model.zip</c> bytes: a seeded context, one thread (FastTree's
/// parallel histogram sums change float rounding with scheduling), and <see cref="ModelZip"/>'s fixed entry times.
/// </summary>
public static class NewsTrainer
{
    public const string ModelFile = "model.zip";
    public const string RecordFile = "training.json";
    public const string ImportanceFile = "importance.json";

    /// <summary>Writes <c>model.zip</c>, <c>training.json</c> and <c>importance.json</c> (gain per feature, largest first) to <paramref name="outputDirectory"/>.</summary>
    public static TrainingRecord Train(IReadOnlyList<Story> train, string featurizerPath, NewsTrainConfig config, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(config);
        if (train.Count == 0)
            throw new ArgumentException("The training split is empty: nothing to train on.", nameof(train));

        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var ml = new MLContext(seed: config.Seed);
        var featurizer = ModelZip.Load(ml, featurizerPath, out _);
        var rows = ml.Data.LoadFromEnumerable(train.Select(s => StoryFacts.ToRow(SubmittedStory.From(s), TargetScale.ToTarget(config.Target, s.Comments))));
        // FastTree reads its input several times: featurize once, not on every pass.
        var featurized = ml.Data.Cache(featurizer.Transform(rows), FeatureNames.Features, nameof(FeatureRow.Label));
        var trainer = ml.Regression.Trainers.FastTree(new FastTreeRegressionTrainer.Options
        {
            LabelColumnName = nameof(FeatureRow.Label),
            FeatureColumnName = FeatureNames.Features,
            NumberOfTrees = config.Trees,
            NumberOfLeaves = config.Leaves,
            LearningRate = config.LearningRate,
            MinimumExampleCountPerLeaf = config.MinExamplesPerLeaf,
            NumberOfThreads = 1,
            Seed = config.Seed,
        });
        var model = trainer.Fit(featurized);
        var offset = config.Center == NewsCenter.Median ? MedianResidual(model, featurized) : 0;
        clock.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;

        Directory.CreateDirectory(outputDirectory);
        ModelZip.Save(ml, model, featurized.Schema, Path.Combine(outputDirectory, ModelFile));
        var slots = Featurizer.SlotNames(featurized.Schema);
        JsonFile.Write(Path.Combine(outputDirectory, ImportanceFile), Importance(model.Model, slots));
        var record = new TrainingRecord(config.Target, offset, train.Count, slots.Count, config, Math.Round(clock.Elapsed.TotalSeconds, 3), Math.Round(cpu.TotalSeconds, 3));
        JsonFile.Write(Path.Combine(outputDirectory, RecordFile), record);
        return record;
    }

    private static double MedianResidual(ITransformer model, IDataView featurized)
    {
        var labels = featurized.GetColumn<float>(nameof(FeatureRow.Label)).ToList();
        var fitted = model.Transform(featurized).GetColumn<float>("Score").ToList();
        return RegressionMath.Median([.. labels.Select((label, i) => (double)label - fitted[i])]);
    }

    /// <summary>Features that some split used, by total gain, largest first (ties by name, so the order is stable).</summary>
    public static IReadOnlyList<FeatureImportance> Importance(FastTreeRegressionModelParameters model, IReadOnlyList<string> slotNames)
    {
        ArgumentNullException.ThrowIfNull(model);
        var weights = default(VBuffer<float>);
        model.GetFeatureWeights(ref weights);
        var gains = weights.DenseValues().Select((gain, slot) => (Name: slotNames[slot], Gain: (double)gain)).Where(f => f.Gain > 0).ToList();
        var total = gains.Sum(f => f.Gain);
        return [.. gains
            .OrderByDescending(f => f.Gain)
            .ThenBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => new FeatureImportance(f.Name, f.Gain, f.Gain / total))];
    }
}
