using System.Diagnostics;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Storage;
using DigitForge.Kit.Modelling;
using Microsoft.ML;

namespace DigitForge.Tabular.Stages;

/// <summary>Train: the recipe's ML.NET trainer on the featurized training split; the model keeps its featurization.</summary>
public sealed class TrainStage(TabularDeclaration declaration, TabularTrainConfig config) : IStage
{
    public const string ModelFile = "model.zip";
    public const string RecordFile = "training.json";

    /// <summary>The declaration the model was trained for, kept with it, so a version scores by its own columns.</summary>
    public const string DeclarationFile = "declaration.json";

    public string Description => $"Trains {config.Trainer} ({declaration.Task.ToString()!.ToLowerInvariant()}) on {declaration.Features.Length} features to predict {declaration.Label}.";

    public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<SplitStage>(SplitStage.TrainFile)];

    /// <summary>Its timing differs run to run; the model must not.</summary>
    public IReadOnlyList<string> VolatileOutputs => [RecordFile];

    public StageInputs DescribeInputs() => new(new { train = config, declaration.Task, declaration.Label, declaration.Features, declaration.Classes }, new Dictionary<string, string>(), MlEnvironment.Facts());

    public void Run(StageRunContext context)
    {
        var clock = Stopwatch.StartNew();
        var ml = new MLContext(seed: config.Seed);
        var train = TabularModel.Load(ml, declaration, context.UpstreamFile<SplitStage>(SplitStage.TrainFile));
        var model = TabularModel.Featurize(ml, declaration).Append(Trainers.Create(ml, config, declaration.Task!.Value)).Fit(train);
        ModelZip.Save(ml, model, train.Schema, context.OutputFile(ModelFile));
        JsonFile.Write(context.OutputFile(DeclarationFile), declaration);
        JsonFile.Write(context.OutputFile(RecordFile), new { config.Trainer, config.Options, seconds = Math.Round(clock.Elapsed.TotalSeconds, 3) });
        context.Log.Info($"{config.Trainer} trained in {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
