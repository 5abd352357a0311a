using System.Globalization;
using DigitForge.Data;

namespace DigitForge.Inference;

/// <summary>
/// The DigitForge metadata an exported model carries (ONNX <c>metadata_props</c>, keys in <see cref="OnnxMetadataKeys"/>).
/// </summary>
public sealed record OnnxModelMetadata(string Version, NormalizationStats Normalization, IReadOnlyList<int> InputShape, IReadOnlyList<string> Labels, string Precision = OnnxModelMetadata.Fp32Precision)
{
    /// <summary><see cref="OnnxMetadataKeys.Precision"/> of a float model (and of a file without the key).</summary>
    public const string Fp32Precision = "fp32";

    /// <summary><see cref="OnnxMetadataKeys.Precision"/> of a statically quantized model.</summary>
    public const string Int8Precision = "int8";

    /// <summary>Reads and checks the entries; throws <see cref="InvalidOnnxModelException"/> naming
    /// <paramref name="path"/> and the key when one is missing or malformed.</summary>
    public static OnnxModelMetadata Parse(string path, IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);

        var version = Required(path, properties, OnnxMetadataKeys.Version).Trim();
        if (version.Length == 0)
        {
            throw Invalid(path, OnnxMetadataKeys.Version, properties[OnnxMetadataKeys.Version], "it is empty");
        }

        var mean = Number(path, properties, OnnxMetadataKeys.NormalizationMean);
        var std = Number(path, properties, OnnxMetadataKeys.NormalizationStd);
        if (!(std > 0))
        {
            throw Invalid(path, OnnxMetadataKeys.NormalizationStd, properties[OnnxMetadataKeys.NormalizationStd], "the standard deviation must be positive");
        }

        var shapeText = Required(path, properties, OnnxMetadataKeys.InputShape);
        var shape = new List<int>();
        foreach (var part in shapeText.Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
            {
                throw Invalid(path, OnnxMetadataKeys.InputShape, shapeText, "expected positive integers such as \"1,28,28\"");
            }

            shape.Add(size);
        }

        if (shape.Count != 3 || shape[0] != 1)
        {
            throw Invalid(path, OnnxMetadataKeys.InputShape, shapeText, "expected one greyscale channel and two sides, \"1,rows,columns\"");
        }

        var labelsText = Required(path, properties, OnnxMetadataKeys.Labels);
        var labels = labelsText.Split(',').Select(l => l.Trim()).ToArray();
        if (labels.Any(l => l.Length == 0) || labels.Distinct(StringComparer.Ordinal).Count() != labels.Length)
        {
            throw Invalid(path, OnnxMetadataKeys.Labels, labelsText, "expected distinct, non-empty, comma-separated labels");
        }

        var precision = properties.GetValueOrDefault(OnnxMetadataKeys.Precision, Fp32Precision);
        if (precision is not (Fp32Precision or Int8Precision))
        {
            throw Invalid(path, OnnxMetadataKeys.Precision, precision, $"expected \"{Fp32Precision}\" or \"{Int8Precision}\"");
        }

        return new OnnxModelMetadata(version, new NormalizationStats(mean, std), shape, labels, precision);
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
