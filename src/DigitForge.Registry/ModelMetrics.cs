using System.Globalization;
using Newtonsoft.Json;

namespace DigitForge.Registry;

/// <summary>
/// The key test metrics of a model and the fingerprint of the test set they were measured on:
/// two models' metrics are only comparable when the fingerprints match. A classifier records its
/// accuracy and weakest class; any other model (a regression, say) records named <see cref="Figures"/>.
/// </summary>
public sealed record ModelMetrics(
    double? Accuracy,
    double? LowestRecall,
    int? LowestRecallLabel,
    [property: JsonProperty(Required = Required.Always)] string TestSetFingerprint,
    IReadOnlyDictionary<string, double>? Figures = null)
{
    /// <summary>The metrics in one line, as <c>models</c> lists them.</summary>
    public string Describe() => Accuracy is { } accuracy
        ? string.Create(CultureInfo.InvariantCulture, $"accuracy {accuracy:P2}  lowest recall {LowestRecall:P2} (digit {LowestRecallLabel})")
        : string.Join("  ", (Figures ?? new Dictionary<string, double>()).Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key} {f.Value:0.####}")));
}
