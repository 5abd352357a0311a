namespace DigitForge.Engine.Text;

/// <summary>Plain-text tables for the metrics files people read in a terminal.</summary>
public static class TextTable
{
    /// <summary>Every column as wide as its widest cell, two spaces apart; the first column (row names) left-aligned, the figures right-aligned.</summary>
    public static IEnumerable<string> Render(string[] header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c])));

        yield return Line(header);
        foreach (var row in rows)
        {
            yield return Line(row);
        }
    }
}
