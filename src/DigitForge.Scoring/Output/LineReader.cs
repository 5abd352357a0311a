namespace DigitForge.Scoring.Output;

/// <summary>Reads '\n'-terminated lines as bytes, tracking where the last complete line ends; a last
/// line with no line feed (a run killed mid-write) is reported as a torn tail, not returned.</summary>
internal sealed class LineReader(Stream stream)
{
    private readonly BufferedStream input = new(stream, 1 << 16);
    private readonly MemoryStream line = new();
    private long position;

    public long CompleteLength { get; private set; }

    public bool TornTail { get; private set; }

    public ReadOnlyMemory<byte>? Next()
    {
        line.SetLength(0);
        while (true)
        {
            var b = input.ReadByte();
            if (b == -1)
            {
                TornTail = line.Length > 0;
                return null;
            }

            position++;
            if (b == '\n')
            {
                CompleteLength = position;
                return line.GetBuffer().AsMemory(0, (int)line.Length);
            }

            line.WriteByte((byte)b);
        }
    }
}
