using Google.Protobuf;

namespace DigitForge.Training.Onnx;

/// <summary>
/// A minimal protobuf encoder over <see cref="CodedOutputStream"/>: fields are written in the
/// order they are called, and a nested message is encoded into its own buffer and then written
/// as a length-delimited field. Nothing here depends on time, culture or hashing, so the same
/// calls give the same bytes.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream buffer = new();
    private readonly CodedOutputStream output;

    public ProtoWriter() => output = new CodedOutputStream(buffer, leaveOpen: true);

    /// <summary>An int64 (or proto2 enum / int32 with a non-negative value) as a varint field.</summary>
    public ProtoWriter Int64(int field, long value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
        return this;
    }

    public ProtoWriter Int32(int field, int value)
    {
        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt32(value);
        return this;
    }

    public ProtoWriter Float(int field, float value)
    {
        output.WriteTag(field, WireFormat.WireType.Fixed32);
        output.WriteFloat(value);
        return this;
    }

    public ProtoWriter String(int field, string value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
        return this;
    }

    public ProtoWriter Bytes(int field, ReadOnlyMemory<byte> value)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(value));
        return this;
    }

    /// <summary>A nested message: <paramref name="write"/> fills a fresh writer whose bytes become the field.</summary>
    public ProtoWriter Message(int field, Action<ProtoWriter> write)
    {
        var nested = new ProtoWriter();
        write(nested);
        return Bytes(field, nested.ToArray());
    }

    public byte[] ToArray()
    {
        output.Flush();
        return buffer.ToArray();
    }
}
