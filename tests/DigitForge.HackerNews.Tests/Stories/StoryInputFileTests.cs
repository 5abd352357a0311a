using System.IO.Compression;
using System.Text;
using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Tests.Stories;

[Trait("Category", "Unit")]
public sealed class StoryInputFileTests
{
    private static readonly DateTimeOffset May28 = new(2016, 5, 28, 19, 51, 0, TimeSpan.Zero);

    [Fact]
    public void Csv_rows_need_only_a_title_and_bad_rows_become_error_rows()
    {
        using var temp = new TempDirectory();
        var path = temp.File("input.csv");
        File.WriteAllText(path,
            "Title,URL,created_at,ID\n"
            + "Ask HN: what now?,,,\n"
            + "\"Show HN: a, b\nand c\",https://x.org,2016-05-28T19:51:00Z,17\n"
            + "  ,https://no-title.org,,\n"
            + "Old format,,5/28/2016 19:51,18\n"
            + "Unix seconds,,1464465060,\n"
            + "Bad time,,yesterday,\n"
            + "Bad id,,,x1\n"
            + "Too,many,fields,here,!\n"
            + "\n"
            + "Last,,,\n");

        var rows = StoryInputFile.Read(path);

        rows.Select(row => (row.Row, row.Line)).Should().Equal((1, 2), (2, 3), (3, 5), (4, 6), (5, 7), (6, 8), (7, 9), (8, 10), (9, 12));
        rows.Select(row => row.Story).Should().Equal(
            new StoryInput(null, "Ask HN: what now?", null, null),
            new StoryInput(17, "Show HN: a, b\nand c", "https://x.org", May28),
            null,
            new StoryInput(18, "Old format", null, May28),
            new StoryInput(null, "Unix seconds", null, May28),
            null,
            null,
            null,
            new StoryInput(null, "Last", null, null));
        rows.Select(row => row.Error).Should().Equal(
            null,
            null,
            "no title",
            null,
            null,
            "'created_at': expected unix seconds or a date and time like 2016-05-28T19:51:00Z, got 'yesterday'",
            "'id': expected a positive whole number, got 'x1'",
            "expected 4 fields as in the header, got 5",
            null);
    }

    [Fact]
    public void A_never_closed_quote_is_one_error_row_not_the_end_of_reading()
    {
        using var temp = new TempDirectory();
        var path = temp.File("input.csv");
        File.WriteAllText(path, "title,time\nfine,1464465060\n\"never closed,1\nswallowed,2\n");

        var rows = StoryInputFile.Read(path);

        rows.Should().HaveCount(2);
        rows[0].Story.Should().Be(new StoryInput(null, "fine", null, May28));
        (rows[1].Row, rows[1].Line, rows[1].Error).Should().Be((2, 3L, "a quoted field is never closed (it runs to the end of the file)"));
    }

    [Fact]
    public void A_csv_without_a_title_column_cannot_be_scored_at_all()
    {
        using var temp = new TempDirectory();
        var path = temp.File("input.csv");
        File.WriteAllText(path, "id,headline\n1,hello\n");

        FluentActions.Invoking(() => StoryInputFile.Read(path)).Should().Throw<StoryFormatException>()
            .WithMessage($"{path}: line 1: expected a header with a 'title' column*got 'id,headline'");
    }

    [Fact]
    public void Json_lines_take_api_items_and_plain_objects_and_report_bad_lines()
    {
        using var temp = new TempDirectory();
        var path = temp.File("input.jsonl");
        File.WriteAllLines(path,
        [
            """{"by":"dhouston","descendants":71,"id":8863,"kids":[9224],"score":104,"time":1464465060,"title":"My YC app: Dropbox","type":"story","url":"http://www.getdropbox.com/u/2/screencast.html"}""",
            """{"title":"Just a title"}""",
            "",
            """{"title":"ISO time","created_at":"2016-05-28T19:51:00Z","url":null,"id":null}""",
            """{"deleted":true,"id":8864,"time":1464465060,"type":"comment"}""",
            """{"title":"torn""",
            """["title"]""",
            """{"title":"   "}""",
            """{"title":"bad id","id":"8865"}""",
            """{"title":"bad url","url":42}""",
            """{"title":"bad time","time":"noon"}""",
            """{"title":"bad date","created_at":"someday"}""",
        ]);

        var rows = StoryInputFile.Read(path);

        rows.Select(row => (row.Row, row.Line)).Should().Equal(
            (1, 1), (2, 2), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (9, 10), (10, 11), (11, 12));
        rows.Take(3).Select(row => row.Story).Should().Equal(
            new StoryInput(8863, "My YC app: Dropbox", "http://www.getdropbox.com/u/2/screencast.html", May28),
            new StoryInput(null, "Just a title", null, null),
            new StoryInput(null, "ISO time", null, May28));
        rows.Skip(3).Should().OnlyContain(row => row.Story == null);
        rows.Skip(3).Select(row => row.Error).Should().SatisfyRespectively(
            error => error.Should().Be("no title (a non-empty string 'title' is required)"),
            error => error.Should().StartWith("not valid JSON ("),
            error => error.Should().Be("expected a JSON object, got array"),
            error => error.Should().Be("no title (a non-empty string 'title' is required)"),
            error => error.Should().Be("'id': expected a positive whole number, got \"8865\""),
            error => error.Should().Be("'url': expected a string, got 42"),
            error => error.Should().Be("'time': expected unix seconds, got \"noon\""),
            error => error.Should().Be("'created_at': expected a date and time like \"2016-05-28T19:51:00Z\", got \"someday\""));
    }

    [Theory]
    [InlineData("stories.txt", false)]
    [InlineData("stories.jsonl.gz", true)]
    [InlineData("stories.ndjson", false)]
    public void Json_lines_are_recognised_by_name_or_by_content(string name, bool gzip)
    {
        using var temp = new TempDirectory();
        var path = temp.File(name);
        var bytes = Encoding.UTF8.GetBytes("""{"title":"Hello, HN"}""" + "\n");
        using (var file = File.Create(path))
        using (var stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : (Stream)file)
        {
            stream.Write(bytes);
        }

        StoryInputFile.Read(path).Should().ContainSingle().Which.Story.Should().Be(new StoryInput(null, "Hello, HN", null, null));
    }
}
