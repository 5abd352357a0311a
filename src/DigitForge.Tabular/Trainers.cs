using DigitForge.Engine.Config;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;

namespace DigitForge.Tabular;

/// <summary>
/// The ML.NET trainers a recipe may name, with the options each takes. Every one trains on one thread with the
/// recipe's seed: parallel sums change float rounding with scheduling, and the same recipe must give the same model bytes.
/// A binary task trains the multiclass trainers on its two classes, so both share one set of metrics.
/// </summary>
public static class Trainers
{
    private sealed record Trainer(string Name, IReadOnlyList<string> Options, Func<MLContext, IReadOnlyDictionary<string, double>, int, IEstimator<ITransformer>>? Classifier, Func<MLContext, IReadOnlyDictionary<string, double>, int, IEstimator<ITransformer>>? Regressor);

    public const string Label = "Label";
    public const string Features = "Features";

    private static readonly string[] TreeOptions = ["numberOfTrees", "numberOfLeaves", "learningRate", "minimumExampleCountPerLeaf"];
    private static readonly string[] SdcaOptions = ["l1Regularization", "l2Regularization", "maximumNumberOfIterations"];
    private static readonly string[] LbfgsOptions = ["l1Regularization", "l2Regularization", "optimizationTolerance", "historySize"];

    private static readonly Trainer[] All =
    [
        new("SdcaMaximumEntropy", SdcaOptions, (ml, o, _) => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(Apply(new SdcaMaximumEntropyMulticlassTrainer.Options(), o)), null),
        new("LbfgsMaximumEntropy", LbfgsOptions, (ml, o, _) => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(Apply(new LbfgsMaximumEntropyMulticlassTrainer.Options(), o)), null),
        new("Sdca", SdcaOptions, null, (ml, o, _) => ml.Regression.Trainers.Sdca(Apply(new SdcaRegressionTrainer.Options(), o))),
        new(
            "FastTree",
            TreeOptions,
            (ml, o, seed) => ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(Apply(new FastTreeBinaryTrainer.Options { Seed = seed }, o))),
            (ml, o, seed) => ml.Regression.Trainers.FastTree(Apply(new FastTreeRegressionTrainer.Options { Seed = seed }, o))),
    ];

    /// <summary>The trainer names a task takes.</summary>
    public static IEnumerable<string> For(TabularTask task) => All.Where(t => (task == TabularTask.Regression ? t.Regressor : t.Classifier) is not null).Select(t => t.Name);

    /// <summary>Refuses an unknown trainer, one the task cannot use, or an option the trainer does not take, naming the recipe key.</summary>
    public static void Check(TabularTrainConfig config, TabularTask task, string pipeline)
    {
        var trainer = Find(config.Trainer, task, pipeline);
        if (config.Options.Keys.FirstOrDefault(k => !trainer.Options.Contains(k)) is { } unknown)
        {
            throw new ConfigException($"'train.options.{unknown}': {trainer.Name} takes no such option; it takes {string.Join(", ", trainer.Options)}");
        }
    }

    /// <summary>The estimator for the recipe, reading <see cref="Label"/> and <see cref="Features"/>.</summary>
    public static IEstimator<ITransformer> Create(MLContext ml, TabularTrainConfig config, TabularTask task)
    {
        var trainer = Find(config.Trainer, task, string.Empty);
        return (task == TabularTask.Regression ? trainer.Regressor : trainer.Classifier)!(ml, config.Options, config.Seed);
    }

    private static Trainer Find(string name, TabularTask task, string pipeline) =>
        All.FirstOrDefault(t => t.Name == name && (task == TabularTask.Regression ? t.Regressor : t.Classifier) is not null)
        ?? throw new ConfigException($"'train.trainer': \"{name}\" is not a trainer for pipeline {pipeline}'s {task.ToString().ToLowerInvariant()} task; it takes {string.Join(", ", For(task))}");

    // Options are set by their camel-case name on ML.NET's options class; one thread always (see the class summary).
    private static T Apply<T>(T options, IReadOnlyDictionary<string, double> values)
        where T : TrainerInputBaseWithLabel
    {
        options.LabelColumnName = Label;
        options.FeatureColumnName = Features;
        foreach (var (key, value) in values)
        {
            var field = typeof(T).GetField(char.ToUpperInvariant(key[0]) + key[1..])!;
            field.SetValue(options, Convert.ChangeType(value, Nullable.GetUnderlyingType(field.FieldType) ?? field.FieldType, System.Globalization.CultureInfo.InvariantCulture));
        }

        typeof(T).GetField("NumberOfThreads")?.SetValue(options, 1);
        return options;
    }
}
