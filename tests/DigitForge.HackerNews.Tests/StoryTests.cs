using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Tests;

public sealed class StoryTests
{
    [Fact]
    public void A_story_keeps_its_fields()
    {
        var story = new Story(1, "Ask HN: anything?", null, 3, 4, "pg", DateTimeOffset.UnixEpoch);
        story.Comments.Should().Be(4);
    }
}
