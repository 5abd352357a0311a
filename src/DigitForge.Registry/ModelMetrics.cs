using Newtonsoft.Json;

namespace DigitForge.Registry;

/// <summary>
/// The key test metrics of a model and the fingerprint of the test set they were measured on:
/// two models' metrics are only comparable when the fingerprints match.
/// </summary>
public sealed record ModelMetrics(
    [property: JsonProperty(Required = Required.Always)] double Accuracy,
    [property: JsonProperty(Required = Required.Always)] double LowestRecall,
    [property: JsonProperty(Required = Required.Always)] int LowestRecallLabel,
    [property: JsonProperty(Required = Required.Always)] string TestSetFingerprint);
