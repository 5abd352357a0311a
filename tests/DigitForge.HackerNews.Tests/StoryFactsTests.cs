using DigitForge.HackerNews.Features;

namespace DigitForge.HackerNews.Tests;

[Trait("Category", "Unit")]
public sealed class StoryFactsTests
{
    [Theory]
    [InlineData("https://www.GitHub.com/dotnet/runtime", "github.com")]
    [InlineData("http://blog.example.com/a?b=c", "blog.example.com")]
    [InlineData(null, "none")]
    [InlineData("  ", "none")]
    [InlineData("not a url", "invalid")]
    [InlineData("ftp://files.example.com/x", "invalid")]
    public void The_domain_is_the_host_without_www(string? url, string domain) =>
        StoryFacts.Domain(url).Should().Be(domain);

    [Theory]
    [InlineData("Ask HN: How do you test?", 1, 0)]
    [InlineData("ask hn - what now", 1, 0)]
    [InlineData("Show HN: My compiler", 0, 1)]
    [InlineData("Asking HN for help is fine", 0, 0)]
    [InlineData("Why I left Ask HN", 0, 0)]
    public void Ask_and_Show_HN_are_flagged_by_the_title_prefix(string title, float ask, float show)
    {
        var row = StoryFacts.ToRow(new SubmittedStory(title, null, null));
        row.AskHn.Should().Be(ask);
        row.ShowHn.Should().Be(show);
    }

    [Fact]
    public void Hour_and_weekday_are_taken_in_UTC()
    {
        // Sunday 23:30 in New York is Monday 04:30 UTC.
        var row = StoryFacts.ToRow(new SubmittedStory("A title", null, new DateTimeOffset(2016, 5, 29, 23, 30, 0, TimeSpan.FromHours(-5))));
        row.Hour.Should().Be(4);
        row.Weekday.Should().Be((float)DayOfWeek.Monday);
    }

    [Fact]
    public void An_unknown_time_is_missing_not_midnight()
    {
        var row = StoryFacts.ToRow(new SubmittedStory("A title", null, null));
        float.IsNaN(row.Hour).Should().BeTrue();
        float.IsNaN(row.Weekday).Should().BeTrue();
    }

    [Fact]
    public void Title_length_counts_characters_and_words_of_the_trimmed_title()
    {
        var row = StoryFacts.ToRow(new SubmittedStory("  Show HN:  a  tiny   thing ", "https://x.io", null, " pg "));
        row.TitleChars.Should().Be("Show HN:  a  tiny   thing".Length);
        row.TitleWords.Should().Be(5);
        row.Author.Should().Be("pg");
        row.Domain.Should().Be("x.io");
    }
}
