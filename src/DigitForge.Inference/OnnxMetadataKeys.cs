namespace DigitForge.Inference;

/// <summary>
/// Keys of the <c>metadata_props</c> a DigitForge model carries: what the exporter in
/// DigitForge.Training writes and <see cref="OnnxModelMetadata"/> reads, in one place.
/// </summary>
public static class OnnxMetadataKeys
{
    /// <summary>The model version string the caller passed to the exporter.</summary>
    public const string Version = "digitforge.version";

    /// <summary>Mean of pixel/255 on the training split, invariant culture, round-trip format.</summary>
    public const string NormalizationMean = "digitforge.normalization.mean";

    /// <summary>Standard deviation of pixel/255 on the training split, same format.</summary>
    public const string NormalizationStd = "digitforge.normalization.std";

    /// <summary>Input shape of one image without the batch dimension, e.g. "1,28,28".</summary>
    public const string InputShape = "digitforge.input_shape";

    /// <summary>Class labels in logit order, comma-separated: "0,1,2,3,4,5,6,7,8,9".</summary>
    public const string Labels = "digitforge.labels";

    /// <summary>The network the graph was exported from ("DigitCnn").</summary>
    public const string Architecture = "digitforge.architecture";

    /// <summary>The numeric precision of the graph: "int8" for the statically quantized export;
    /// absent in FP32 exports (read as "fp32", so models written before int8 existed need no change).</summary>
    public const string Precision = "digitforge.precision";
}
