using System.Globalization;
using CsvHelper;
using DigitForge.Engine.Storage;

namespace DigitForge.Kit.Tables;

/// <summary>
/// A CSV file with a header row, read as declared columns: each value is checked against its column's kind,
/// so a bad cell is refused with its file, line, column and expected type before anything trains on it.
/// Columns the declaration does not name are ignored.
/// </summary>
public sealed class CsvTable
{
    private CsvTable(IReadOnlyList<ColumnSpec> columns, IReadOnlyList<string[]> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    public IReadOnlyList<ColumnSpec> Columns { get; }

    /// <summary>The values of each row in the order of <see cref="Columns"/>; numbers as the file spelled them.</summary>
    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>Reads <paramref name="path"/>; <paramref name="optional"/> columns may be absent from the header (their values are then empty).</summary>
    public static CsvTable Read(string path, IReadOnlyList<ColumnSpec> columns, IReadOnlySet<string>? optional = null)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: table file not found", path);
        }

        var rows = new List<string[]>();
        try
        {
            using var csv = CsvReader.Create(File.OpenRead(path), CsvFormat.Reader, leaveOpen: false);
            var header = csv.Headers.ToArray();
            if (header.Length == 0)
            {
                throw new TableFormatException(path, 1, null, "empty file; expected a header row");
            }

            var positions = columns.Select(c => Array.IndexOf(header, c.Name)).ToArray();
            if (columns.Where((c, i) => positions[i] < 0 && optional?.Contains(c.Name) != true).FirstOrDefault() is { } missing)
            {
                throw new TableFormatException(path, 1, missing.Name, $"no such column in the header ({string.Join(", ", header)})");
            }

            while (csv.Read())
            {
                var line = csv.LineNumber;
                if (csv.FieldCount != header.Length)
                {
                    throw new TableFormatException(path, line, null, $"expected {header.Length} fields like the header, got {csv.FieldCount}");
                }

                var values = new string[columns.Count];
                for (var i = 0; i < columns.Count; i++)
                {
                    values[i] = positions[i] < 0 ? string.Empty : csv.GetString(positions[i]);
                    if (positions[i] >= 0 && Problem(columns[i].Kind, values[i]) is { } problem)
                    {
                        throw new TableFormatException(path, line, columns[i].Name, problem);
                    }
                }

                rows.Add(values);
            }
        }
        catch (CsvFormatException ex)
        {
            throw new TableFormatException(path, ex.LineNumber, null, ex.Message);
        }

        return new CsvTable(columns, rows);
    }

    /// <summary>Writes <paramref name="rows"/> of this table's columns (a split of it, say) as CSV with a header, atomically.</summary>
    public void Write(string path, IEnumerable<string[]> rows) => Write(path, Columns, rows);

    /// <summary>Writes <paramref name="rows"/> under a header of <paramref name="columns"/> as CSV, atomically.</summary>
    public static void Write(string path, IReadOnlyList<ColumnSpec> columns, IEnumerable<string[]> rows) => AtomicFile.Write(path, stream => Write(stream, columns, rows));

    /// <summary>Writes <paramref name="rows"/> under a header of <paramref name="columns"/> as CSV to <paramref name="stream"/>, which stays open.</summary>
    public static void Write(Stream stream, IReadOnlyList<ColumnSpec> columns, IEnumerable<string[]> rows)
    {
        using var csv = CsvWriter.Create(stream, CsvFormat.Writer, leaveOpen: true);
        csv.WriteRecord([.. columns.Select(c => c.Name)]);
        foreach (var row in rows)
        {
            csv.WriteRecord(row);
        }
    }

    /// <summary>The values of one column, by its name.</summary>
    public IReadOnlyList<string> Column(string name)
    {
        var index = Columns.Select(c => c.Name).ToList().IndexOf(name);
        return index < 0 ? throw new ArgumentException($"no column '{name}'", nameof(name)) : [.. Rows.Select(r => r[index])];
    }

    private static string? Problem(ColumnKind kind, string value) => kind switch
    {
        ColumnKind.Numeric when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number) =>
            $"\"{value}\" is not a number (the column is numeric)",
        ColumnKind.Categorical when value.Length == 0 => "empty; expected a category (the column is categorical)",
        _ => null,
    };
}
