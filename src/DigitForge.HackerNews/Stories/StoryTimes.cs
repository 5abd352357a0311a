using System.Globalization;

namespace DigitForge.HackerNews.Stories;

/// <summary>Times as people and the Hacker News API write them.</summary>
internal static class StoryTimes
{
    private static readonly long MinUnixSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    public static bool TryFromUnixSeconds(long seconds, out DateTimeOffset time)
    {
        var inRange = seconds >= MinUnixSeconds && seconds <= MaxUnixSeconds;
        time = inRange ? DateTimeOffset.FromUnixTimeSeconds(seconds) : default;
        return inRange;
    }

    /// <summary>Unix seconds, or any date and time the invariant culture reads; no zone means UTC.</summary>
    public static bool TryParseLenient(string text, out DateTimeOffset time)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var seconds))
        {
            return TryFromUnixSeconds(seconds, out time);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time);
    }
}
