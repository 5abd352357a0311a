using System.Diagnostics;
using DigitForge.Data;
using DigitForge.Training;
using DigitForge.Training.Onnx;

namespace DigitForge.Inference.Tests;

/// <summary>
/// Two briefly trained networks shared by the parity tests: the default DigitCnn (BatchNorm on,
/// 2 epochs on 2,000 bundled digits) and the same without BatchNorm (2 epochs on 1,000), each
/// with its weights file and its ONNX export.
/// </summary>
public sealed class TrainedModels : IDisposable
{
    private readonly TempDirectory directory = new();

    public TrainedModels()
    {
        var clock = Stopwatch.StartNew();
        var train = TestData.Strided(offset: 0, count: 2000);
        var validation = TestData.Strided(offset: 1, count: 300);
        Normalization = NormalizationStats.Compute(train);

        WithBatchNorm = Train("bn", new ModelConfig(), train, validation);
        WithoutBatchNorm = Train("nobn", new ModelConfig { BatchNorm = false }, TestData.Strided(offset: 3, count: 1000), validation);
        SetupSeconds = clock.Elapsed.TotalSeconds;
    }

    public NormalizationStats Normalization { get; }

    public TrainedNetwork WithBatchNorm { get; }

    public TrainedNetwork WithoutBatchNorm { get; }

    public double SetupSeconds { get; }

    /// <summary>Images none of the networks trained or validated on.</summary>
    public static LabelledImages Holdout(int count = 2000) => TestData.Strided(offset: 2, count: count);

    public void Dispose() => directory.Dispose();

    private TrainedNetwork Train(string name, ModelConfig config, LabelledImages train, LabelledImages validation)
    {
        var output = Path.Combine(directory.Path, name);
        var (model, result) = QuickModel.Train(config, epochs: 2, train, validation, Normalization, output);
        var onnxPath = Path.Combine(output, "model.onnx");
        using (model)
        {
            OnnxExporter.Export(model, Normalization, $"test-{name}-1", onnxPath);
        }

        return new TrainedNetwork(config, result.WeightsPath, onnxPath, result.BestValAccuracy);
    }
}

public sealed record TrainedNetwork(ModelConfig Config, string WeightsPath, string OnnxPath, double ValidationAccuracy);

[CollectionDefinition(Name)]
public sealed class TrainedModelsCollection : ICollectionFixture<TrainedModels>
{
    public const string Name = "trained models";
}
