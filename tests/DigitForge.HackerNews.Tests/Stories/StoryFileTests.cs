using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Tests.Stories;

[Trait("Category", "Unit")]
public sealed class StoryFileTests
{
    private const string Header = "id,title,url,comments,points,author,created_at\n";

    private static readonly Story[] Tricky =
    [
        new(3, "Show HN: commas, \"quotes\" and\na line break", "https://example.com/a?b=1,2", 7, 12, "alice", new DateTimeOffset(2016, 5, 28, 19, 51, 0, TimeSpan.Zero)),
        new(1, "=SUM(A1) looks like a formula", null, 0, 1, null, DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)),
        new(2, " Pokémon\tGo, 10€ ", "", 2, 3, "bob", new DateTimeOffset(2015, 9, 6, 7, 25, 0, TimeSpan.FromHours(2))),
    ];

    [Fact]
    public void Written_text_is_the_documented_format_in_the_given_order()
    {
        using var temp = new TempDirectory();
        var path = temp.File("stories.csv");

        StoryFile.Write(path, Tricky);

        File.ReadAllText(path).Should().Be(
            Header
            + "3,\"Show HN: commas, \"\"quotes\"\" and\na line break\",\"https://example.com/a?b=1,2\",12,7,alice,2016-05-28T19:51:00Z\n"
            + "1,=SUM(A1) looks like a formula,,1,0,,2023-11-14T22:13:20Z\n"
            + "2,\" Pokémon\tGo, 10€ \",,3,2,bob,2015-09-06T05:25:00Z\n");
    }

    [Theory]
    [InlineData("stories.csv")]
    [InlineData("stories.csv.gz")]
    public void Stories_read_back_as_written(string name)
    {
        using var temp = new TempDirectory();
        var path = temp.File(name);

        StoryFile.Write(path, Tricky);

        // An empty URL is written as no URL, and times are kept in UTC.
        StoryFile.Read(path).Should().Equal(
            Tricky[0],
            Tricky[1],
            Tricky[2] with { Url = null, CreatedAt = new DateTimeOffset(2015, 9, 6, 5, 25, 0, TimeSpan.Zero) });
    }

    [Fact]
    public void Gzipped_writes_are_the_same_bytes_every_time_and_leave_no_temporary_file()
    {
        using var temp = new TempDirectory();
        StoryFile.Write(temp.File("a.csv.gz"), Tricky);
        StoryFile.Write(temp.File("b.csv.gz"), Tricky);
        StoryFile.Write(temp.File("b.csv.gz"), Tricky);

        File.ReadAllBytes(temp.File("a.csv.gz")).Should().Equal(File.ReadAllBytes(temp.File("b.csv.gz")));
        File.ReadAllBytes(temp.File("a.csv.gz")).Take(2).Should().Equal((byte)0x1f, (byte)0x8b);
        Directory.GetFiles(temp.Path).Select(Path.GetFileName).Should().BeEquivalentTo(["a.csv.gz", "b.csv.gz"]);
    }

    [Fact]
    public void The_bundled_snapshot_has_its_pinned_hash_and_20000_stories_in_id_order()
    {
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(RepoFiles.BundledStories)))
            .Should().Be("0db0eae99a44d1325542e03f960fd3f3d6913a6885b8064ba362de7467f87c92");

        var stories = StoryFile.Read(RepoFiles.BundledStories);

        stories.Should().HaveCount(20_000).And.BeInAscendingOrder(story => story.Id);
        stories[0].Should().Be(new Story(
            10176908, "Dying vets fuck you letter (2013)",
            "http://dangerousminds.net/comments/dying_vets_fuck_you_letter_to_george_bush_dick_cheney_needs_to_be_read",
            10, 2, "mycodebreaks", new DateTimeOffset(2015, 9, 6, 5, 56, 0, TimeSpan.Zero)));
        stories.Should().OnlyContain(story => story.Comments >= 1, "the snapshot holds only stories with comments");
        stories.Count(story => story.Url is null).Should().Be(2402);
        stories.Should().Contain(story => story.Title.Contains("Pokémon"), "the script repairs mojibake")
            .And.NotContain(story => story.Title.Contains("Ã©"));
    }

    [Fact]
    public void Rewriting_the_bundled_snapshot_gives_the_scripts_text_byte_for_byte()
    {
        using var temp = new TempDirectory();
        var path = temp.File("stories.csv");

        StoryFile.Write(path, StoryFile.Read(RepoFiles.BundledStories));

        using var bundled = new GZipStream(File.OpenRead(RepoFiles.BundledStories), CompressionMode.Decompress);
        using var text = new MemoryStream();
        bundled.CopyTo(text);
        File.ReadAllBytes(path).Should().Equal(text.ToArray());
    }

    [Theory]
    [InlineData("1,a,,1,1,x,2016-05-28T19:51:00Z\n2,b,,1,many,x,2016-05-28T19:51:00Z\n", 3, "points", "expected a whole number from 0 to 2147483647, got 'many'")]
    [InlineData("1,a,,-1,1,x,2016-05-28T19:51:00Z\n", 2, "comments", "expected a whole number from 0 to 2147483647, got '-1'")]
    [InlineData("0,a,,1,1,x,2016-05-28T19:51:00Z\n", 2, "id", "expected a whole number from 1 to")]
    [InlineData("1,\"multi\nline\",,1,1,x,2016-05-28T19:51:00Z\n2,   ,,1,1,x,2016-05-28T19:51:00Z\n", 4, "title", "expected a non-empty text")]
    [InlineData("1,a,,1,1,x,5/28/2016 19:51\n", 2, "created_at", "expected an ISO-8601 UTC time like 2016-05-28T19:51:00Z, got '5/28/2016 19:51'")]
    [InlineData("7,a,,1,1,x,2016-05-28T19:51:00Z\n7,b,,1,1,x,2016-05-28T19:51:00Z\n", 3, "id", "id 7 appears twice (first on line 2)")]
    public void A_bad_value_names_the_file_line_column_and_what_was_expected(string rows, long line, string column, string expected)
    {
        using var temp = new TempDirectory();
        var path = temp.File("bad.csv");
        File.WriteAllText(path, Header + rows);

        var error = FluentActions.Invoking(() => StoryFile.Read(path)).Should().Throw<StoryFormatException>().Which;

        (error.FilePath, error.Line, error.Column).Should().Be((path, line, column));
        error.Message.Should().StartWith($"{path}: line {line}, column '{column}': ").And.Contain(expected);
    }

    [Theory]
    [InlineData("id,title,url,points,comments,author,created_at\n", 1, "expected the header 'id,title,url,comments,points,author,created_at', got 'id,title,url,points,comments,author,created_at'")]
    [InlineData(Header + "1,a,,1,1,x,2016-05-28T19:51:00Z\n2,b,1,1\n", 3, "expected 7 fields (id,title,url,comments,points,author,created_at), got 4")]
    [InlineData(Header + "1,a,,1,1,x,2016-05-28T19:51:00Z\n2,\"never closed,,1,1,x,2016-05-28T19:51:00Z\n", 3, "quote")]
    public void A_bad_record_names_the_file_and_line(string content, long line, string expected)
    {
        using var temp = new TempDirectory();
        var path = temp.File("bad.csv");
        File.WriteAllText(path, content);

        var error = FluentActions.Invoking(() => StoryFile.Read(path)).Should().Throw<StoryFormatException>().Which;

        (error.Line, error.Column).Should().Be((line, (string?)null));
        error.Message.Should().StartWith($"{path}: line {line}: ").And.Contain(expected);
    }

    [Fact]
    public void A_broken_gzip_file_is_named_as_such()
    {
        using var temp = new TempDirectory();
        var path = temp.File("stories.csv.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, .. Encoding.ASCII.GetBytes("not really gzip")]);

        FluentActions.Invoking(() => StoryFile.Read(path)).Should().Throw<StoryFormatException>()
            .WithMessage($"{path}: not a readable gzip file*");
    }
}
