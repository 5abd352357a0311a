namespace DigitForge.Training.Onnx;

/// <summary>The attribute kinds the exporter emits (values of onnx.proto's <c>AttributeProto.AttributeType</c>).</summary>
internal enum OnnxAttributeKind
{
    Float = 1,
    Int = 2,
    Ints = 7,
}

/// <summary>A node attribute: a float, an int or a list of ints.</summary>
internal sealed record OnnxAttribute(string Name, OnnxAttributeKind Kind, float FloatValue, long IntValue, IReadOnlyList<long> IntsValue)
{
    public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeKind.Float, value, 0, []);

    public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeKind.Int, 0, value, []);

    public static OnnxAttribute Ints(string name, params long[] values) => new(name, OnnxAttributeKind.Ints, 0, 0, values);
}

/// <summary>One operator of the default ("ai.onnx") domain.</summary>
internal sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, IReadOnlyList<OnnxAttribute> Attributes);

/// <summary>The tensor element types the exporter writes (values of onnx.proto's <c>TensorProto.DataType</c>).</summary>
internal enum OnnxDataType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
}

/// <summary>A constant (weights, quantisation scales and zero points), stored row-major; an empty
/// <see cref="Dims"/> is a scalar. <see cref="Values"/> is a float[], sbyte[], byte[], int[] or long[] matching <see cref="DataType"/>.</summary>
internal sealed record OnnxInitializer(string Name, IReadOnlyList<long> Dims, OnnxDataType DataType, Array Values)
{
    public OnnxInitializer(string name, IReadOnlyList<long> dims, float[] values)
        : this(name, dims, OnnxDataType.Float, values)
    {
    }

    public static OnnxInitializer Scalar(string name, float value) => new(name, [], [value]);

    public static OnnxInitializer Scalar(string name, byte value) => new(name, [], OnnxDataType.UInt8, new[] { value });

    public static OnnxInitializer Int8(string name, IReadOnlyList<long> dims, sbyte[] values) => new(name, dims, OnnxDataType.Int8, values);

    public static OnnxInitializer Int32(string name, IReadOnlyList<long> dims, int[] values) => new(name, dims, OnnxDataType.Int32, values);

    /// <summary>A 1-D int64 tensor (shapes, pads, slice bounds: inputs ONNX takes as int64).</summary>
    public static OnnxInitializer Int64(string name, params long[] values) => new(name, [values.Length], OnnxDataType.Int64, values);

    /// <summary>The float values; only for <see cref="OnnxDataType.Float"/> tensors.</summary>
    public float[] Floats => Values as float[] ?? throw new InvalidOperationException($"Initializer '{Name}' is {DataType}, not float.");
}

/// <summary>One dimension of a graph input or output: a fixed size or a symbolic name.</summary>
internal sealed record OnnxDimension(long? Value, string? Param)
{
    public static OnnxDimension Fixed(long value) => new(value, null);

    public static OnnxDimension Symbolic(string name) => new(null, name);
}

/// <summary>A float32 graph input or output with its shape (null: no shape is declared, as for the
/// intermediate values calibration reads).</summary>
internal sealed record OnnxValueInfo(string Name, IReadOnlyList<OnnxDimension>? Shape);

/// <summary>Everything the exporter writes into a ModelProto.</summary>
internal sealed record OnnxModelDefinition(
    long IrVersion,
    long OpsetVersion,
    string ProducerName,
    string ProducerVersion,
    string DocString,
    string GraphName,
    IReadOnlyList<OnnxNode> Nodes,
    IReadOnlyList<OnnxInitializer> Initializers,
    IReadOnlyList<OnnxValueInfo> Inputs,
    IReadOnlyList<OnnxValueInfo> Outputs,
    IReadOnlyList<KeyValuePair<string, string>> Metadata);
