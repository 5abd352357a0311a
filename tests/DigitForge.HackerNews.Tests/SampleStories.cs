using DigitForge.HackerNews.Stories;

namespace DigitForge.HackerNews.Tests;

/// <summary>
/// Hand-made stories with a planted pattern, so a model trained on them has something to learn:
/// "Ask HN" posts and titles about "rust" draw many comments, the rest a few.
/// Deterministic for a given seed.
/// </summary>
internal static class SampleStories
{
    private static readonly string[] Words = ["startup", "database", "python", "security", "design", "browser", "linux", "apple", "google", "release", "open", "source", "tool", "guide"];
    private static readonly string[] Sites = ["https://github.com/a/b", "https://www.example.org/post", "http://blog.example.com/x", "https://nytimes.com/story"];

    public static IReadOnlyList<Story> Make(int count, int seed, long firstId = 1000)
    {
        var random = new Random(seed);
        var stories = new List<Story>(count);
        for (var i = 0; i < count; i++)
        {
            var ask = random.Next(5) == 0;
            var rust = random.Next(4) == 0;
            var words = Enumerable.Range(0, 3 + random.Next(5)).Select(_ => Words[random.Next(Words.Length)]).ToList();
            if (rust)
                words.Insert(random.Next(words.Count), "rust");
            var title = (ask ? "Ask HN: " : "") + string.Join(' ', words);
            var url = ask ? null : Sites[random.Next(Sites.Length)];
            var comments = 1 + random.Next(4) + (ask ? 40 + random.Next(30) : 0) + (rust ? 15 + random.Next(10) : 0);
            var created = new DateTimeOffset(2016, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(random.Next(60 * 24 * 300));
            stories.Add(new Story(firstId + i, title, url, random.Next(100), comments, $"user{random.Next(20)}", created));
        }

        return stories;
    }
}
