using System.Buffers.Binary;

namespace DigitForge.Scoring.Images;

/// <summary>Bounds-checked reads from a file held in memory: running past the end means the file is
/// truncated, which is reported as such (naming the format and the offset) instead of an index error.</summary>
internal readonly ref struct ByteReader(ReadOnlySpan<byte> data, string format)
{
    private readonly ReadOnlySpan<byte> data = data;

    public int Length => data.Length;

    public byte U8(long offset) => Slice(offset, 1)[0];

    public ushort U16Le(long offset) => BinaryPrimitives.ReadUInt16LittleEndian(Slice(offset, 2));

    public ushort U16Be(long offset) => BinaryPrimitives.ReadUInt16BigEndian(Slice(offset, 2));

    public uint U32Le(long offset) => BinaryPrimitives.ReadUInt32LittleEndian(Slice(offset, 4));

    public int I32Le(long offset) => BinaryPrimitives.ReadInt32LittleEndian(Slice(offset, 4));

    public uint U32Be(long offset) => BinaryPrimitives.ReadUInt32BigEndian(Slice(offset, 4));

    public ReadOnlySpan<byte> Slice(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > data.Length)
        {
            throw Truncated(offset + length);
        }

        return data.Slice((int)offset, (int)length);
    }

    public UnreadableImageException Truncated(long needed) =>
        new($"truncated {format}: the file ends at byte {data.Length} but its structure needs {needed} bytes");

    public UnreadableImageException Damaged(string problem) => new($"damaged {format}: {problem}");
}
