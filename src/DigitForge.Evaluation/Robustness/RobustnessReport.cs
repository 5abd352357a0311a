using Newtonsoft.Json;

namespace DigitForge.Evaluation.Robustness;

// JSON names and order pinned, like the rest of metrics.json (see ClassificationReport).

/// <summary>
/// The <c>robustness</c> section of metrics.json: the test split under each shift of
/// <see cref="ShiftCatalog"/>, scored by the same model, and the shift it handles worst.
/// </summary>
public sealed record RobustnessReport(
    [property: JsonProperty("seed", Order = 0)] int Seed,
    [property: JsonProperty("count", Order = 1)] int Count,
    [property: JsonProperty("shifts", Order = 2)] IReadOnlyList<ShiftResult> Shifts,
    [property: JsonProperty("worst", Order = 3)] WorstShift Worst);

/// <summary>One shift's accuracy on the whole test split.</summary>
public sealed record ShiftResult(
    [property: JsonProperty("name", Order = 0)] string Name,
    [property: JsonProperty("description", Order = 1)] string Description,
    [property: JsonProperty("accuracy", Order = 2)] double Accuracy);

/// <summary>The shift with the lowest accuracy (ties: the first in report order).</summary>
public sealed record WorstShift(
    [property: JsonProperty("name", Order = 0)] string Name,
    [property: JsonProperty("accuracy", Order = 1)] double Accuracy);
