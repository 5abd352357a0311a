using DigitForge.Data;

namespace DigitForge.Training;

/// <summary>model.json: what is needed besides the weights to rebuild and feed the network.</summary>
public sealed record TrainedModel(ModelConfig Model, NormalizationStats Normalization, int[] InputShape, string[] Labels)
{
    public const string FileName = "model.json";
}
