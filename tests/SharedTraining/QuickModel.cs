using DigitForge.Data;
using DigitForge.Training;
using DigitForge.Training.Model;
using DigitForge.Training.Loop;

namespace DigitForge.Tests.Shared;

/// <summary>
/// A briefly trained DigitCnn for tests that need real weights (ONNX parity, scoring, serving):
/// no augmentation, no early stopping, batch 64, seed 7, 2 threads, so every fixture is
/// reproducible and trains in seconds.
/// </summary>
internal static class QuickModel
{
    /// <summary>Trains into <paramref name="folder"/> and returns the best epoch's network in eval mode
    /// (the caller disposes it) with the training result.</summary>
    public static (DigitCnn Model, TrainingResult Result) Train(
        ModelConfig config,
        int epochs,
        LabelledImages train,
        LabelledImages validation,
        NormalizationStats normalization,
        string folder)
    {
        var recipe = new TrainConfig
        {
            Epochs = epochs,
            BatchSize = 64,
            Seed = 7,
            Threads = 2,
            Augmentation = new AugmentationConfig { Enabled = false },
            EarlyStopping = new EarlyStoppingConfig { Enabled = false },
        };
        var result = DigitTrainer.Train(config, recipe, train, validation, normalization, folder);
        var model = new DigitCnn(config);
        model.load(result.WeightsPath, strict: true);
        model.eval();
        return (model, result);
    }
}
