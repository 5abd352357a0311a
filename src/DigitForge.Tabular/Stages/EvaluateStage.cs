using System.Globalization;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Kit.Metrics;
using DigitForge.Kit.Modelling;
using DigitForge.Kit.Tables;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DigitForge.Tabular.Stages;

/// <summary>Evaluate: the model on the test split: accuracy, macro-F1 and log-loss for a classifier; MAE, RMSE and R² for a regression.</summary>
public sealed class EvaluateStage(TabularDeclaration declaration) : IStage
{
    public string Description => declaration.IsClassifier
        ? "Scores the test split: accuracy, macro-F1, log-loss, recall per class and the confusion matrix."
        : "Scores the test split: MAE, RMSE and R², beside always predicting the training mean.";

    public IReadOnlyList<StageDependency> Dependencies =>
    [
        StageDependency.On<SplitStage>(SplitStage.TrainFile, SplitStage.TestFile),
        StageDependency.On<TrainStage>(TrainStage.ModelFile),
    ];

    public StageInputs DescribeInputs() => new(new { declaration.Task, declaration.Label, declaration.Classes }, new Dictionary<string, string>(), MlEnvironment.Facts());

    public void Run(StageRunContext context)
    {
        var testFile = context.UpstreamFile<SplitStage>(SplitStage.TestFile);
        var metrics = Evaluate(declaration, context.UpstreamFile<TrainStage>(TrainStage.ModelFile), testFile, context.UpstreamFile<SplitStage>(SplitStage.TrainFile));
        JsonFile.Write(context.OutputFile(TabularMetrics.File), metrics);
        AtomicFile.WriteAllText(context.OutputFile(TabularMetrics.TextFile), metrics.ToText());
        context.Log.Info(metrics.ToText().Split('\n')[0]);
    }

    public static TabularMetrics Evaluate(TabularDeclaration declaration, string modelFile, string testFile, string trainFile)
    {
        var ml = new MLContext(seed: 0);
        var model = ModelZip.Load(ml, modelFile, out _);
        var scored = model.Transform(TabularModel.Load(ml, declaration, testFile));
        var testSet = ContentHash.OfFile(testFile);
        if (declaration.IsClassifier)
        {
            // Keys count from 1 (0 is missing); the declared classes from 0.
            var truth = scored.GetColumn<uint>(Trainers.Label).Select(k => (int)k - 1).ToList();
            var predicted = scored.GetColumn<uint>("PredictedLabel").Select(k => (int)k - 1).ToList();
            var probability = scored.GetColumn<VBuffer<float>>("Score").Select((s, i) => (double)s.GetItemOrDefault(truth[i])).ToList();
            return new(ClassificationMetrics.Of(declaration.Classes!, truth, predicted, probability, testSet), null);
        }

        var labels = scored.GetColumn<float>(Trainers.Label).Select(v => (double)v).ToList();
        var scores = scored.GetColumn<float>("Score").Select(v => (double)v).ToList();
        var trainingMean = CsvTable.Read(trainFile, declaration.Columns).Column(declaration.Label).Average(v => double.Parse(v, CultureInfo.InvariantCulture));
        return new(null, Kit.Metrics.RegressionMetrics.Of(labels, scores, trainingMean, testSet));
    }
}
