using DigitForge.Engine.Caching;

namespace DigitForge.Engine.Tests.Caching;

[Trait("Category", "Unit")]
public sealed class CachePruningTests
{
    private static readonly DateTime Now = new(2026, 11, 23, 12, 0, 0, DateTimeKind.Utc);

    private static readonly CacheEntry[] Entries =
    [
        new("old-needed", "/c/a", 100, Now.AddDays(-90)),
        new("old", "/c/b", 100, Now.AddDays(-60)),
        new("recent", "/c/c", 100, Now.AddDays(-2)),
        new("newest", "/c/d", 100, Now.AddHours(-1)),
    ];

    private static readonly HashSet<string> Needed = ["old-needed"];

    [Fact]
    public void Age_limit_removes_unused_entries_but_never_needed_ones() =>
        CachePruning.Select(Entries, Needed, Now, TimeSpan.FromDays(30), null).Select(e => e.Fingerprint).Should().Equal("old");

    [Fact]
    public void Size_limit_removes_least_recently_used_first_skipping_needed_ones() =>
        CachePruning.Select(Entries, Needed, Now, null, 200).Select(e => e.Fingerprint).Should().Equal("old", "recent");

    [Fact]
    public void A_size_limit_below_what_is_needed_keeps_the_needed_entries() =>
        CachePruning.Select(Entries, Needed, Now, TimeSpan.FromDays(1), 0).Select(e => e.Fingerprint).Should().Equal("old", "recent", "newest");
}
