using System.Text;

namespace DigitForge.Scoring.Output;

/// <summary>
/// Reads the CSV records this tool writes, byte by byte (structural characters are ASCII, which UTF-8
/// never uses inside a multi-byte character), tracking where the last complete record ends. A record
/// the file ends inside (no closing line feed: a run killed mid-write) is reported as a torn tail.
/// </summary>
internal sealed class CsvRecordReader(Stream stream)
{
    private const int Eof = -1;
    private readonly BufferedStream input = new(stream, 1 << 16);
    private readonly List<byte> field = [];
    private long position;
    private int pushedBack = Eof;

    /// <summary>Byte offset just after the last complete record read.</summary>
    public long CompleteLength { get; private set; }

    /// <summary>True once the file was found to end inside a record.</summary>
    public bool TornTail { get; private set; }

    /// <summary>The next complete record's fields, or null at the end (check <see cref="TornTail"/>).</summary>
    public List<string>? Next()
    {
        var fields = new List<string>();
        field.Clear();
        var quoted = false;
        var started = false;
        while (true)
        {
            var b = Read();
            if (b == Eof)
            {
                TornTail = started;
                return null;
            }

            started = true;
            if (quoted)
            {
                if (b != '"')
                {
                    field.Add((byte)b);
                }
                else if (Peek() == '"')
                {
                    field.Add((byte)Read());
                }
                else
                {
                    quoted = false;
                }
            }
            else if (b == '"')
            {
                quoted = true;
            }
            else if (b == ',')
            {
                EndField(fields);
            }
            else if (b == '\n')
            {
                EndField(fields);
                CompleteLength = position;
                return fields;
            }
            else if (b != '\r')
            {
                field.Add((byte)b);
            }
        }
    }

    private void EndField(List<string> fields)
    {
        fields.Add(Encoding.UTF8.GetString([.. field]));
        field.Clear();
    }

    private int Read()
    {
        var b = pushedBack != Eof ? pushedBack : input.ReadByte();
        pushedBack = Eof;
        position += b == Eof ? 0 : 1;
        return b;
    }

    private int Peek()
    {
        pushedBack = pushedBack != Eof ? pushedBack : input.ReadByte();
        return pushedBack;
    }
}
