namespace DigitForge.Registry.Store;

/// <summary>Which of a version's ONNX files scoring and serving load: <see cref="ModelVersion.OnnxFileName"/> or <see cref="ModelVersion.Int8OnnxFileName"/>.</summary>
public enum ModelPrecision
{
    Fp32,
    Int8,
}

/// <summary>A version's ONNX file chosen for a precision.</summary>
public sealed record PrecisionChoice(string OnnxPath, ModelPrecision Precision)
{
    /// <summary>The names <c>--precision</c> takes, as written in messages and documents.</summary>
    public const string Names = "int8 or fp32";

    /// <summary><c>int8</c> or <c>fp32</c> (any case); throws <see cref="FormatException"/> otherwise.</summary>
    public static ModelPrecision Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "int8" => ModelPrecision.Int8,
        "fp32" => ModelPrecision.Fp32,
        _ => throw new FormatException($"'{text}' is not a precision; expected {Names}"),
    };

    public static string Name(ModelPrecision precision) => precision == ModelPrecision.Int8 ? "int8" : "fp32";

    /// <summary>
    /// The file of <paramref name="version"/> for <paramref name="requested"/>; null asks for the int8 model when
    /// the version has an accepted one, else FP32. An int8 model is usable only when it is stored and its
    /// manifest's parity record (<c>int8.parity.accepted</c>) says it was accepted. Returns false, with
    /// <paramref name="problem"/> naming the version and why, when int8 is requested and not usable.
    /// </summary>
    public static bool TrySelect(ModelVersion version, ModelManifest manifest, ModelPrecision? requested, out PrecisionChoice choice, out string problem)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(manifest);
        var fp32 = new PrecisionChoice(version.OnnxPath, ModelPrecision.Fp32);
        problem = string.Empty;
        if (requested == ModelPrecision.Fp32)
        {
            choice = fp32;
            return true;
        }

        var why = Int8Unusable(version, manifest);
        if (why is null)
        {
            choice = new PrecisionChoice(version.Int8OnnxPath, ModelPrecision.Int8);
            return true;
        }

        choice = fp32;
        if (requested is null)
        {
            return true;
        }

        problem = $"--precision int8: {version.Name} has no accepted int8 model: {why}; use --precision fp32";
        return false;
    }

    private static string? Int8Unusable(ModelVersion version, ModelManifest manifest)
    {
        var parity = manifest.Details["int8"]?["parity"];
        if (parity is null)
        {
            return "it was promoted before int8 models were exported";
        }

        if (parity.Value<bool?>("accepted") != true)
        {
            return $"at promote its int8 model was {parity.Value<string>("reason") ?? "refused"}";
        }

        return File.Exists(version.Int8OnnxPath) ? null : $"{ModelVersion.Int8OnnxFileName} is missing";
    }
}
