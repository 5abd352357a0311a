using System.Buffers.Binary;

namespace DigitForge.Training.Onnx;

/// <summary>
/// Serialises an <see cref="OnnxModelDefinition"/> as an ONNX <c>ModelProto</c>. Field numbers are
/// those of onnx/onnx.proto (proto2, package onnx); each message is written in the order below,
/// which is fixed, so equal definitions give equal bytes. Weights go to <c>TensorProto.raw_data</c>
/// little-endian, as the spec requires: IEEE 754 float32, int32, or one byte per int8/uint8 value.
/// </summary>
internal static class OnnxProtoEncoder
{
    public static byte[] Encode(OnnxModelDefinition model)
    {
        var writer = new ProtoWriter();
        writer.Int64(ModelProto.IrVersion, model.IrVersion);
        writer.String(ModelProto.ProducerName, model.ProducerName);
        writer.String(ModelProto.ProducerVersion, model.ProducerVersion);
        writer.String(ModelProto.DocString, model.DocString);
        writer.Message(ModelProto.Graph, graph => WriteGraph(graph, model));
        writer.Message(ModelProto.OpsetImport, opset => opset
            .String(OperatorSetIdProto.Domain, string.Empty)
            .Int64(OperatorSetIdProto.Version, model.OpsetVersion));
        foreach (var (key, value) in model.Metadata)
        {
            writer.Message(ModelProto.MetadataProps, entry => entry
                .String(StringStringEntryProto.Key, key)
                .String(StringStringEntryProto.Value, value));
        }

        return writer.ToArray();
    }

    private static void WriteGraph(ProtoWriter graph, OnnxModelDefinition model)
    {
        foreach (var node in model.Nodes)
        {
            graph.Message(GraphProto.Node, n => WriteNode(n, node));
        }

        graph.String(GraphProto.Name, model.GraphName);
        foreach (var initializer in model.Initializers)
        {
            graph.Message(GraphProto.Initializer, t => WriteTensor(t, initializer));
        }

        foreach (var input in model.Inputs)
        {
            graph.Message(GraphProto.Input, v => WriteValueInfo(v, input));
        }

        foreach (var output in model.Outputs)
        {
            graph.Message(GraphProto.Output, v => WriteValueInfo(v, output));
        }
    }

    private static void WriteNode(ProtoWriter writer, OnnxNode node)
    {
        foreach (var input in node.Inputs)
        {
            writer.String(NodeProto.Input, input);
        }

        foreach (var output in node.Outputs)
        {
            writer.String(NodeProto.Output, output);
        }

        writer.String(NodeProto.Name, node.Name);
        writer.String(NodeProto.OpType, node.OpType);
        foreach (var attribute in node.Attributes)
        {
            writer.Message(NodeProto.Attribute, a => WriteAttribute(a, attribute));
        }
    }

    private static void WriteAttribute(ProtoWriter writer, OnnxAttribute attribute)
    {
        writer.String(AttributeProto.Name, attribute.Name);
        switch (attribute.Kind)
        {
            case OnnxAttributeKind.Float:
                writer.Float(AttributeProto.F, attribute.FloatValue);
                break;
            case OnnxAttributeKind.Int:
                writer.Int64(AttributeProto.I, attribute.IntValue);
                break;
            case OnnxAttributeKind.Ints:
                // proto2 "repeated int64 ints = 8" is not packed: one tag per element.
                foreach (var value in attribute.IntsValue)
                {
                    writer.Int64(AttributeProto.Ints, value);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(attribute), attribute.Kind, "Unsupported attribute kind.");
        }

        writer.Int32(AttributeProto.Type, (int)attribute.Kind);
    }

    private static void WriteTensor(ProtoWriter writer, OnnxInitializer tensor)
    {
        long expected = 1;
        foreach (var dim in tensor.Dims)
        {
            writer.Int64(TensorProto.Dims, dim);
            expected *= dim;
        }

        if (expected != tensor.Values.Length)
        {
            throw new InvalidOperationException($"Initializer '{tensor.Name}' has {tensor.Values.Length} values for shape [{string.Join(", ", tensor.Dims)}].");
        }

        writer.Int32(TensorProto.DataType, (int)tensor.DataType);
        writer.String(TensorProto.Name, tensor.Name);
        writer.Bytes(TensorProto.RawData, RawData(tensor));
    }

    private static byte[] RawData(OnnxInitializer tensor) => tensor.Values switch
    {
        float[] floats when tensor.DataType == OnnxDataType.Float => LittleEndian(floats, sizeof(float), BinaryPrimitives.WriteSingleLittleEndian),
        int[] ints when tensor.DataType == OnnxDataType.Int32 => LittleEndian(ints, sizeof(int), BinaryPrimitives.WriteInt32LittleEndian),
        long[] longs when tensor.DataType == OnnxDataType.Int64 => LittleEndian(longs, sizeof(long), BinaryPrimitives.WriteInt64LittleEndian),
        sbyte[] signed when tensor.DataType == OnnxDataType.Int8 => [.. signed.Select(v => unchecked((byte)v))],
        byte[] unsigned when tensor.DataType == OnnxDataType.UInt8 => [.. unsigned],
        _ => throw new InvalidOperationException($"Initializer '{tensor.Name}' is declared {tensor.DataType} but holds {tensor.Values.GetType().Name}."),
    };

    /// <summary>raw_data is little-endian whatever the machine: each value written at its offset.</summary>
    private static byte[] LittleEndian<T>(T[] values, int size, Action<Span<byte>, T> write)
    {
        var raw = new byte[checked(values.Length * size)];
        for (var i = 0; i < values.Length; i++)
        {
            write(raw.AsSpan(i * size), values[i]);
        }

        return raw;
    }

    private static void WriteValueInfo(ProtoWriter writer, OnnxValueInfo value)
    {
        writer.String(ValueInfoProto.Name, value.Name);
        writer.Message(ValueInfoProto.Type, type => type.Message(TypeProto.TensorType, tensor =>
        {
            tensor.Int32(TypeProtoTensor.ElemType, (int)OnnxDataType.Float);
            if (value.Shape is not { } dims)
            {
                return;
            }

            tensor.Message(TypeProtoTensor.Shape, shape =>
            {
                foreach (var dim in dims)
                {
                    shape.Message(TensorShapeProto.Dim, d =>
                    {
                        if (dim.Value is { } size)
                        {
                            d.Int64(TensorShapeProtoDimension.DimValue, size);
                        }
                        else
                        {
                            d.String(TensorShapeProtoDimension.DimParam, dim.Param ?? throw new InvalidOperationException($"Dimension of '{value.Name}' has neither a size nor a name."));
                        }
                    });
                }
            });
        }));
    }

    // Field numbers from onnx/onnx.proto.
    private static class ModelProto
    {
        public const int IrVersion = 1;
        public const int ProducerName = 2;
        public const int ProducerVersion = 3;
        public const int DocString = 6;
        public const int Graph = 7;
        public const int OpsetImport = 8;
        public const int MetadataProps = 14;
    }

    private static class OperatorSetIdProto
    {
        public const int Domain = 1;
        public const int Version = 2;
    }

    private static class StringStringEntryProto
    {
        public const int Key = 1;
        public const int Value = 2;
    }

    private static class GraphProto
    {
        public const int Node = 1;
        public const int Name = 2;
        public const int Initializer = 5;
        public const int Input = 11;
        public const int Output = 12;
    }

    private static class NodeProto
    {
        public const int Input = 1;
        public const int Output = 2;
        public const int Name = 3;
        public const int OpType = 4;
        public const int Attribute = 5;
    }

    private static class AttributeProto
    {
        public const int Name = 1;
        public const int F = 2;
        public const int I = 3;
        public const int Ints = 8;
        public const int Type = 20;
    }

    private static class TensorProto
    {
        public const int Dims = 1;
        public const int DataType = 2;
        public const int Name = 8;
        public const int RawData = 9;
    }

    private static class ValueInfoProto
    {
        public const int Name = 1;
        public const int Type = 2;
    }

    private static class TypeProto
    {
        public const int TensorType = 1;
    }

    private static class TypeProtoTensor
    {
        public const int ElemType = 1;
        public const int Shape = 2;
    }

    private static class TensorShapeProto
    {
        public const int Dim = 1;
    }

    private static class TensorShapeProtoDimension
    {
        public const int DimValue = 1;
        public const int DimParam = 2;
    }
}
