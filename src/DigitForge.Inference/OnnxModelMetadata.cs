using System.Globalization;
using DigitForge.Data;

namespace DigitForge.Inference;

/// <summary>
/// The DigitForge metadata an exported model carries (ONNX <c>metadata_props</c>). The keys are
/// those DigitForge.Training's exporter writes (OnnxMetadataKeys there; this project must not
/// reference it, so they are repeated here and the tests check that both agree).
/// </summary>
public sealed record OnnxModelMetadata(string Version, NormalizationStats Normalization, IReadOnlyList<int> InputShape, IReadOnlyList<string> Labels)
{
    public const string VersionKey = "digitforge.version";
    public const string MeanKey = "digitforge.normalization.mean";
    public const string StdKey = "digitforge.normalization.std";
    public const string InputShapeKey = "digitforge.input_shape";
    public const string LabelsKey = "digitforge.labels";

    /// <summary>Reads and checks the entries; throws <see cref="InvalidOnnxModelException"/> naming
    /// <paramref name="path"/> and the key when one is missing or malformed.</summary>
    public static OnnxModelMetadata Parse(string path, IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);

        var version = Required(path, properties, VersionKey).Trim();
        if (version.Length == 0)
        {
            throw Invalid(path, VersionKey, properties[VersionKey], "it is empty");
        }

        var mean = Number(path, properties, MeanKey);
        var std = Number(path, properties, StdKey);
        if (!(std > 0))
        {
            throw Invalid(path, StdKey, properties[StdKey], "the standard deviation must be positive");
        }

        var shapeText = Required(path, properties, InputShapeKey);
        var shape = new List<int>();
        foreach (var part in shapeText.Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
            {
                throw Invalid(path, InputShapeKey, shapeText, "expected positive integers such as \"1,28,28\"");
            }

            shape.Add(size);
        }

        if (shape.Count != 3 || shape[0] != 1)
        {
            throw Invalid(path, InputShapeKey, shapeText, "expected one greyscale channel and two sides, \"1,rows,columns\"");
        }

        var labelsText = Required(path, properties, LabelsKey);
        var labels = labelsText.Split(',').Select(l => l.Trim()).ToArray();
        if (labels.Any(l => l.Length == 0) || labels.Distinct(StringComparer.Ordinal).Count() != labels.Length)
        {
            throw Invalid(path, LabelsKey, labelsText, "expected distinct, non-empty, comma-separated labels");
        }

        return new OnnxModelMetadata(version, new NormalizationStats(mean, std), shape, labels);
    }

    private static string Required(string path, IReadOnlyDictionary<string, string> properties, string key) =>
        properties.TryGetValue(key, out var value)
            ? value
            : throw new InvalidOnnxModelException(path, $"metadata '{key}' is missing; is this a DigitForge export?");

    private static double Number(string path, IReadOnlyDictionary<string, string> properties, string key)
    {
        var text = Required(path, properties, key);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw Invalid(path, key, text, "expected a finite number");
    }

    private static InvalidOnnxModelException Invalid(string path, string key, string value, string problem) =>
        new(path, $"metadata '{key}' = \"{value}\" is invalid: {problem}.");
}
