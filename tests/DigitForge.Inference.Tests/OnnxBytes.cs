using Google.Protobuf;

namespace DigitForge.Inference.Tests;

/// <summary>Just enough protobuf reading to inspect and edit an exported ModelProto's top-level
/// fields (field numbers from onnx.proto) without the exporter's help.</summary>
internal static class OnnxBytes
{
    public const int IrVersionField = 1;
    public const int ProducerNameField = 2;
    public const int GraphField = 7;
    public const int OpsetImportField = 8;
    public const int MetadataPropsField = 14;

    public sealed record Field(int Number, WireFormat.WireType WireType, long Varint, byte[] Bytes);

    public static List<Field> Read(byte[] message)
    {
        var fields = new List<Field>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            var wireType = WireFormat.GetTagWireType(tag);
            fields.Add(wireType switch
            {
                WireFormat.WireType.Varint => new Field(number, wireType, input.ReadInt64(), []),
                WireFormat.WireType.LengthDelimited => new Field(number, wireType, 0, input.ReadBytes().ToByteArray()),
                WireFormat.WireType.Fixed32 => new Field(number, wireType, input.ReadFixed32(), []),
                WireFormat.WireType.Fixed64 => new Field(number, wireType, (long)input.ReadFixed64(), []),
                _ => throw new InvalidDataException($"unexpected wire type {wireType} for field {number}"),
            });
        }

        return fields;
    }

    public static byte[] Write(IEnumerable<Field> fields)
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer, leaveOpen: true);
        foreach (var field in fields)
        {
            output.WriteTag(field.Number, field.WireType);
            switch (field.WireType)
            {
                case WireFormat.WireType.Varint:
                    output.WriteInt64(field.Varint);
                    break;
                case WireFormat.WireType.LengthDelimited:
                    output.WriteBytes(ByteString.CopyFrom(field.Bytes));
                    break;
                case WireFormat.WireType.Fixed32:
                    output.WriteFixed32((uint)field.Varint);
                    break;
                default:
                    output.WriteFixed64((ulong)field.Varint);
                    break;
            }
        }

        output.Flush();
        return buffer.ToArray();
    }

    public static string Text(Field field) => System.Text.Encoding.UTF8.GetString(field.Bytes);

    /// <summary>The op_type of every node of the model's graph, in file order.</summary>
    public static List<string> OpTypes(byte[] model) =>
        Read(Read(model).Single(f => f.Number == GraphField).Bytes)
            .Where(f => f.Number == 1)
            .Select(node => Text(Read(node.Bytes).Single(f => f.Number == 4)))
            .ToList();

    /// <summary>The model's metadata_props as (key, value) pairs, in file order.</summary>
    public static List<(string Key, string Value)> Metadata(byte[] model) =>
        Read(model).Where(f => f.Number == MetadataPropsField).Select(f =>
        {
            var entry = Read(f.Bytes);
            return (Text(entry.Single(e => e.Number == 1)), Text(entry.Single(e => e.Number == 2)));
        }).ToList();

    /// <summary>A copy of <paramref name="model"/> whose metadata entries pass through <paramref name="edit"/>
    /// (return null to drop an entry).</summary>
    public static byte[] EditMetadata(byte[] model, Func<string, string, string?> edit) =>
        Write(Read(model).SelectMany(field =>
        {
            if (field.Number != MetadataPropsField)
            {
                return [field];
            }

            var entry = Read(field.Bytes);
            var key = Text(entry.Single(e => e.Number == 1));
            var value = edit(key, Text(entry.Single(e => e.Number == 2)));
            if (value is null)
            {
                return Array.Empty<Field>();
            }

            var rewritten = Write(
            [
                new Field(1, WireFormat.WireType.LengthDelimited, 0, System.Text.Encoding.UTF8.GetBytes(key)),
                new Field(2, WireFormat.WireType.LengthDelimited, 0, System.Text.Encoding.UTF8.GetBytes(value)),
            ]);
            return [field with { Bytes = rewritten }];
        }));
}
