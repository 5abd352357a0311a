using System.Text;
using DigitForge.Scoring.Output;

namespace DigitForge.Scoring.Tests;

[Trait("Category", "Unit")]
public sealed class ResultFileTests
{
    private static readonly ScoredImage[] Rows =
    [
        ScoredImage.Scored("a/one.png", [new("1", 0.9f), new("7", 0.0625f), new("4", 1.5e-7f)]),
        ScoredImage.Failure("odd, \"quoted\"\nname.png", "truncated PNG: the file ends at byte 40, \"quoted\""),
        ScoredImage.Scored("ünïcode.jpg", [new("8", 0.5f), new("3", 0.25f), new("0", 0.125f)]),
    ];

    [Theory]
    [InlineData(ResultFormat.Csv)]
    [InlineData(ResultFormat.JsonLines)]
    public void Rows_ReadBackAsWritten(ResultFormat format)
    {
        using var dir = new TempDirectory();
        var path = Write(dir, format, Rows);

        var (read, existing) = Read(path, format);

        read.Should().BeEquivalentTo(Rows, o => o.WithStrictOrdering());
        existing.Paths.Should().BeEquivalentTo(Rows.Select(r => r.Path));
        existing.TornTail.Should().BeFalse();
        existing.CompleteLength.Should().Be(new FileInfo(path).Length);
    }

    [Fact]
    public void Csv_HasTheDocumentedColumns()
    {
        using var dir = new TempDirectory();
        var text = File.ReadAllText(Write(dir, ResultFormat.Csv, Rows));

        text.Should().StartWith(
            "path,predicted,confidence,top1,p1,top2,p2,top3,p3,error\n"
            + "a/one.png,1,0.9,1,0.9,7,0.0625,4,1.5E-07,\n"
            + "\"odd, \"\"quoted\"\"\nname.png\",,,,,,,,,\"truncated PNG: the file ends at byte 40, \"\"quoted\"\"\"\n");
    }

    [Theory]
    [InlineData(ResultFormat.Csv)]
    [InlineData(ResultFormat.JsonLines)]
    public void TornLastRow_IsReportedAndLeftOut(ResultFormat format)
    {
        using var dir = new TempDirectory();
        var path = Write(dir, format, Rows);
        var complete = new FileInfo(path).Length;
        using (var stream = new FileStream(path, FileMode.Append))
        {
            // A run killed while writing: half a row, inside a quoted field for CSV.
            stream.Write(Encoding.UTF8.GetBytes(format == ResultFormat.Csv ? "\"half\nof a row" : "{\"path\":\"half"));
        }

        var (read, existing) = Read(path, format);

        read.Should().HaveCount(Rows.Length);
        existing.TornTail.Should().BeTrue();
        existing.CompleteLength.Should().Be(complete);
    }

    [Theory]
    [InlineData(ResultFormat.Csv, "a/one.png,1,zero,1,0.9,7,0.0625,4,1.5E-07,\n", "record 3")]
    [InlineData(ResultFormat.JsonLines, "not json\n", "line 2")]
    public void DamagedRowBeforeTheLast_IsAnError(ResultFormat format, string damage, string where)
    {
        using var dir = new TempDirectory();
        var path = Write(dir, format, Rows[..1]);
        File.AppendAllText(path, damage);
        Write(dir, format, Rows[2..], append: true);

        var act = () => Read(path, format);

        act.Should().Throw<ScoringSetupException>().WithMessage($"*{path}: {where} is damaged*").Which.Problem.Should().Be(SetupProblem.Input);
    }

    [Fact]
    public void Csv_WithOtherColumns_IsRefusedNamingBoth()
    {
        using var dir = new TempDirectory();
        var path = Write(dir, ResultFormat.Csv, Rows);

        var act = () => ExistingResults.Read(path, ResultFormat.Csv, topK: 2, _ => { });

        act.Should().Throw<ScoringSetupException>().WithMessage("*top3,p3,error*this run writes*top2,p2,error' (--top-k 2)*");
    }

    private static string Write(TempDirectory dir, ResultFormat format, IEnumerable<ScoredImage> rows, bool append = false)
    {
        var path = dir.File(format == ResultFormat.Csv ? "out.csv" : "out.jsonl");
        using var writer = ResultFormats.CreateWriter(format, new FileStream(path, append ? FileMode.Append : FileMode.Create), topK: 3, writeHeader: !append);
        foreach (var row in rows)
        {
            writer.Write(row);
        }

        return path;
    }

    private static (List<ScoredImage> Rows, ExistingResults Existing) Read(string path, ResultFormat format)
    {
        var rows = new List<ScoredImage>();
        var existing = ExistingResults.Read(path, format, topK: 3, rows.Add);
        return (rows, existing);
    }
}
