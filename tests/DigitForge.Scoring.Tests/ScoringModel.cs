using DigitForge.Data;
using DigitForge.Training;
using DigitForge.Training.Onnx;

namespace DigitForge.Scoring.Tests;

/// <summary>
/// A real model for the scoring tests: a narrower DigitCnn (it trains in seconds) trained for one
/// epoch on the default recipe's training split and exported to ONNX, FP32 and int8, as the pipeline does.
/// </summary>
public sealed class ScoringModel : IDisposable
{
    private readonly TempDirectory directory = new();
    private List<Digit>? confidentDigits;

    public ScoringModel()
    {
        var train = TestData.TrainSplit;
        var normalization = NormalizationStats.Compute(train);
        var config = new ModelConfig { Channels = [16, 32, 64], Hidden = [128, 64] };
        var (model, _) = QuickModel.Train(config, epochs: 1, train, TestData.ValidationSplit, normalization, directory.File("train"));
        using (model)
        {
            OnnxPath = directory.File("model.onnx");
            OnnxExporter.Export(model, normalization, "scoring-tests-1", OnnxPath);
            Int8Path = directory.File("model.int8.onnx");
            Int8OnnxExporter.Export(model, normalization, "scoring-tests-1", Int8OnnxExporter.CalibrationSample(train), Int8Path);
        }
    }

    public string OnnxPath { get; }

    /// <summary>The same network quantized to int8, as Promote exports it.</summary>
    public string Int8Path { get; }

    /// <summary>Test-split digits the model gets right with at least 0.98 confidence, the first of each label.</summary>
    internal IReadOnlyList<Digit> ConfidentDigits => confidentDigits ??= Scorer.ConfidentDigits(OnnxPath);

    public void Dispose() => directory.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ScoringModelCollection : ICollectionFixture<ScoringModel>
{
    public const string Name = "scoring model";
}
