using System.Globalization;
using Newtonsoft.Json;

namespace DigitForge.Registry;

/// <summary>
/// The key test metrics of a model and the fingerprint of the test set they were measured on:
/// two models' metrics are only comparable when the fingerprints match. A classifier records its
/// accuracy and weakest class, and when it was measured, the accuracy under the shift of the test set
/// it handles worst (<see cref="WorstShift"/>); any other model (a regression, say) records named <see cref="Figures"/>.
/// </summary>
public sealed record ModelMetrics(
    double? Accuracy,
    double? LowestRecall,
    int? LowestRecallLabel,
    [property: JsonProperty(Required = Required.Always)] string TestSetFingerprint,
    IReadOnlyDictionary<string, double>? Figures = null,
    // Left out when absent: entries registered before robustness was measured keep their JSON.
    [property: JsonProperty(NullValueHandling = NullValueHandling.Ignore)] string? WorstShift = null,
    [property: JsonProperty(NullValueHandling = NullValueHandling.Ignore)] double? WorstShiftAccuracy = null)
{
    /// <summary>The metrics in one line, as <c>models</c> lists them; <paramref name="classNames"/> name the weakest class.</summary>
    public string Describe(IReadOnlyList<string>? classNames) => Accuracy is { } accuracy
        ? string.Create(CultureInfo.InvariantCulture, $"accuracy {accuracy:P2}  lowest recall {LowestRecall:P2} ({ClassName(LowestRecallLabel, classNames)})")
            + (WorstShiftAccuracy is { } worst ? string.Create(CultureInfo.InvariantCulture, $"  worst shift {worst:P2} ({WorstShift})") : string.Empty)
        : string.Join("  ", (Figures ?? new Dictionary<string, double>()).Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key} {f.Value:0.####}")));

    /// <summary>A class label as the pipeline names it ("digit 7", "class_2"); "class N" when it declares no name for it.</summary>
    public static string ClassName(int? label, IReadOnlyList<string>? classNames) => label switch
    {
        null => "class unknown",
        { } known when classNames is not null && known >= 0 && known < classNames.Count => classNames[known],
        { } known => string.Create(CultureInfo.InvariantCulture, $"class {known}"),
    };
}
