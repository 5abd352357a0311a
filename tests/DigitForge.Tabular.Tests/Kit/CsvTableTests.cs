using DigitForge.Data.Idx;
using DigitForge.Engine.Hashing;
using DigitForge.Kit.Ingest;
using DigitForge.Kit.Tables;

namespace DigitForge.Tabular.Tests.Kit;

/// <summary>The kit's CSV source and pinned files: a bad cell or file is named with its line, column and what was expected.</summary>
[Trait("Category", "Unit")]
public sealed class CsvTableTests : IDisposable
{
    private static readonly ColumnSpec[] Columns = [new("x", ColumnKind.Numeric), new("colour", ColumnKind.Categorical), new("note", ColumnKind.Text)];

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string Csv(string text)
    {
        var path = temp.File("table.csv");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Reads_the_declared_columns_in_their_order_and_ignores_the_others()
    {
        var table = CsvTable.Read(Csv("note,extra,x,colour\n\"hello, world\",1,2.5,red\n,2,-1e3,blue\n"), Columns);

        table.Rows.Should().BeEquivalentTo(new[] { new[] { "2.5", "red", "hello, world" }, ["-1e3", "blue", ""] }, o => o.WithStrictOrdering());
        table.Column("colour").Should().Equal("red", "blue");
    }

    [Fact]
    public void A_bad_number_an_empty_category_a_missing_column_or_a_short_row_names_file_line_and_column()
    {
        var read = (string text) => FluentActions.Invoking(() => CsvTable.Read(Csv(text), Columns));
        var path = temp.File("table.csv");

        read("x,colour,note\n1,red,a\n2,red,b\nthree,red,c\n").Should().Throw<TableFormatException>()
            .WithMessage($"{path}: line 4, column 'x': \"three\" is not a number (the column is numeric)")
            .Which.Line.Should().Be(4);
        read("x,colour,note\n1,,a\n").Should().Throw<TableFormatException>().WithMessage($"{path}: line 2, column 'colour': empty; expected a category*");
        read("x,note\n1,a\n").Should().Throw<TableFormatException>().WithMessage($"{path}: line 1, column 'colour': no such column in the header (x, note)");
        read("x,colour,note\n1,red\n").Should().Throw<TableFormatException>().WithMessage($"{path}: line 2: expected 3 fields like the header, got 2");
    }

    [Fact]
    public void A_pinned_file_with_other_bytes_is_refused_naming_it_and_both_hashes()
    {
        var path = Csv("x\n1\n");
        var actual = ContentHash.OfFile(path);
        var pinned = new PinnedFile { Path = "table.csv", Sha256 = new string('a', 64) };

        new PinnedFile { Path = "table.csv", Sha256 = actual }.Fetch(temp.Path, temp.File("cache"), new NullLog()).Should().Be(path);
        FluentActions.Invoking(() => pinned.Fetch(temp.Path, temp.File("cache"), new NullLog())).Should().Throw<DataFormatException>()
            .WithMessage($"{path}: SHA-256 is {actual}, but {new string('a', 64)} is pinned*");
    }

    private sealed class NullLog : DigitForge.Engine.Stages.IStageLog
    {
        public void Info(string message)
        {
        }

        public void Warning(string message)
        {
        }
    }
}
