using DigitForge.Engine.Storage;
using DigitForge.Kit.Modelling;
using DigitForge.Tabular.Stages;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DigitForge.Tabular;

/// <summary>One predicted row: a classifier's class and its probability, or a regression's value (<see cref="Class"/> null).</summary>
public readonly record struct TabularPrediction(string? Class, float Value);

/// <summary>
/// A model version loaded to predict, by the columns it was trained on: its own copy of the declaration
/// (<see cref="TrainStage.DeclarationFile"/>) and its model. The scorer and the server both predict through it.
/// </summary>
public sealed class TrainedTabularModel
{
    private readonly ITransformer model;
    private readonly TextLoader loader;

    private TrainedTabularModel(TabularDeclaration declaration, MLContext ml, ITransformer model)
    {
        Declaration = declaration;
        this.model = model;
        loader = TabularModel.Loader(ml, declaration);
    }

    /// <summary>The declaration the version was trained for, which may differ from the pipeline's current one.</summary>
    public TabularDeclaration Declaration { get; }

    /// <summary>Loads the version in <paramref name="versionFolder"/> (checked intact by the caller).</summary>
    public static TrainedTabularModel Load(string versionFolder)
    {
        var declaration = JsonFile.Read<TabularDeclaration>(Path.Combine(versionFolder, TrainStage.DeclarationFile));
        var ml = new MLContext(seed: 0);
        return new(declaration, ml, ModelZip.Load(ml, Path.Combine(versionFolder, TrainStage.ModelFile), out _));
    }

    /// <summary>
    /// The predictions of the rows in <paramref name="source"/>, CSV with a header in <see cref="Declaration"/>'s column
    /// order and the label empty, in their order. Thread-safe: each call transforms its own view of the rows.
    /// </summary>
    public IEnumerable<TabularPrediction> Predict(IMultiStreamSource source)
    {
        var scored = model.Transform(loader.Load(source));
        return Declaration.IsClassifier
            ? scored.GetColumn<uint>("PredictedLabel").Zip(scored.GetColumn<VBuffer<float>>("Score"), (key, score) =>
                new TabularPrediction(Declaration.Classes![(int)key - 1], score.GetItemOrDefault((int)key - 1)))
            : scored.GetColumn<float>("Score").Select(value => new TabularPrediction(null, value));
    }
}
