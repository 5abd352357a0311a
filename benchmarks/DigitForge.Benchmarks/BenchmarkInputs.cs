using DigitForge.Data;
using DigitForge.Data.Idx;
using DigitForge.Engine.Config;
using DigitForge.Engine.Storage;
using DigitForge.Evaluation;
using DigitForge.Mnist.Stages;
using DigitForge.Training;
using Newtonsoft.Json.Linq;

namespace DigitForge.Benchmarks;

/// <summary>The recipe's sections the benchmark needs, bound as strictly as the build binds them.</summary>
internal sealed record BenchmarkRecipe(ModelConfig Model, TrainConfig Train, EvaluateConfig Evaluate)
{
    public static BenchmarkRecipe Load(string path)
    {
        var root = JObject.Parse(File.ReadAllText(path));
        return new BenchmarkRecipe(
            Section<ModelConfig>(root, "model", path),
            Section<TrainConfig>(root, "train", path),
            Section<EvaluateConfig>(root, "evaluate", path));
    }

    private static T Section<T>(JObject root, string name, string path)
        where T : class, new() =>
        root[name] is JObject section ? ConfigLoader<T>.Bind(section, $"{path} ({name})") : new T();
}

/// <summary>The splits and normalisation that the Preprocess stage wrote for the recipe.</summary>
internal sealed record BenchmarkData(LabelledImages Train, LabelledImages Validation, LabelledImages Test, NormalizationStats Normalization)
{
    public static BenchmarkData Load(string preprocessDirectory)
    {
        LabelledImages Split(string set) => IdxFile.Load(
            Path.Combine(preprocessDirectory, DatasetFiles.Images(set)),
            Path.Combine(preprocessDirectory, DatasetFiles.Labels(set)));

        return new BenchmarkData(
            Split(DatasetFiles.Train),
            Split(DatasetFiles.Validation),
            Split(DatasetFiles.Test),
            JsonFile.Read<NormalizationStats>(Path.Combine(preprocessDirectory, PreprocessStage.NormalizationFile)));
    }
}
