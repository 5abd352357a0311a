using DigitForge.Scoring.Listing;

namespace DigitForge.Scoring.Tests;

[Trait("Category", "Unit")]
public sealed class FolderListingTests
{
    [Fact]
    public void Files_AreInOrdinalOrderDepthFirst_SkippingHiddenFoldersAndExcluded()
    {
        using var dir = new TempDirectory();
        foreach (var name in new[] { "b.png", "a.png", "B.png", "sub/z.png", "sub/deeper/c.png", ".hidden.png", ".cache/x.png", "out.csv", "notes.txt" })
        {
            ImageFiles.Write(dir.Path, name, [1]);
        }

        var listing = new FolderListing(dir.Path, recursive: true, [dir.File("out.csv")]);

        // Hidden files and non-images are listed: the run counts them as skipped (see ImageFileNamesTests).
        listing.Files().Select(f => f.RelativePath).Should().Equal(".hidden.png", "B.png", "a.png", "b.png", "notes.txt", "sub/deeper/c.png", "sub/z.png");
        listing.Files().Select(f => f.FullPath).Should().Contain(dir.File("sub/z.png"));
    }

    [Fact]
    public void Files_SkipExcludedFilesInSubFolders_WhateverTheRootsTrailingSeparator()
    {
        using var dir = new TempDirectory();
        foreach (var name in new[] { "a.png", "top.csv", "sub/out.csv", "sub/out.csv.run.json", "sub/z.png", "other/out.csv" })
        {
            ImageFiles.Write(dir.Path, name, [1]);
        }

        foreach (var root in new[] { dir.Path, dir.Path + Path.DirectorySeparatorChar })
        {
            var listing = new FolderListing(root, recursive: true, [dir.File("top.csv"), dir.File("sub/out.csv"), dir.File("sub/out.csv.run.json")]);

            listing.Files().Select(f => f.RelativePath).Should().Equal(["a.png", "other/out.csv", "sub/z.png"], $"root {root}");
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Count_CountsWhatFilesLists_WithTheFoldersPrefix(bool recursive)
    {
        using var dir = new TempDirectory();
        foreach (var name in new[] { "b.png", "a.png", "top.csv", "sub/z.png", "sub/out.csv", "sub/deeper/c.png", "sub/deeper/d.txt", ".hidden.png", ".cache/x.png", "other/y.png" })
        {
            ImageFiles.Write(dir.Path, name, [1]);
        }

        var listing = new FolderListing(dir.Path + Path.DirectorySeparatorChar, recursive, [dir.File("top.csv"), dir.File("sub/out.csv")]);
        var seen = new List<string>();

        var count = listing.Count(
            (prefix, name) =>
            {
                seen.Add(prefix + name.ToString());
                return name.EndsWith(".png", StringComparison.Ordinal);
            },
            CancellationToken.None);

        var listed = listing.Files().Select(f => f.RelativePath).ToList();
        seen.Order(StringComparer.Ordinal).Should().Equal(listed, "the filter sees every file the listing has, and no excluded or hidden-folder one");
        count.Should().Be(listed.Count(p => p.EndsWith(".png", StringComparison.Ordinal)));
        count.Should().Be(recursive ? 6 : 3);
    }

    [Fact]
    public void Count_StopsWhenCancelled()
    {
        using var dir = new TempDirectory();
        ImageFiles.Write(dir.Path, "a.png", [1]);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        FluentActions.Invoking(() => new FolderListing(dir.Path, recursive: true, []).Count((_, _) => true, cancelled.Token))
            .Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Files_WithoutRecursion_ListOnlyTheTopFolder()
    {
        using var dir = new TempDirectory();
        ImageFiles.Write(dir.Path, "top.png", [1]);
        ImageFiles.Write(dir.Path, "sub/inner.png", [1]);

        new FolderListing(dir.Path, recursive: false, []).Files().Select(f => f.RelativePath).Should().Equal("top.png");
    }
}

[Trait("Category", "Unit")]
public sealed class ImageFileNamesTests
{
    [Theory]
    [InlineData("digit.png", false, true)]
    [InlineData("DIGIT.JPG", false, true)]
    [InlineData("scan.jpeg", false, true)]
    [InlineData("old.bmp", false, true)]
    [InlineData("anim.gif", false, true)]
    [InlineData("photo.webp", false, true)] // claims to be an image: scored, so it gets an error row
    [InlineData("labels.csv", false, false)]
    [InlineData("README", false, false)]
    [InlineData("Thumbs.db", false, false)]
    [InlineData("digit.png.txt", false, false)]
    [InlineData(".DS_Store", false, false)]
    [InlineData(".hidden.png", false, false)]
    [InlineData("labels.csv", true, true)]
    [InlineData("README", true, true)]
    [InlineData(".DS_Store", true, false)]
    public void IsScored_FollowsTheExtensionUnlessAllFiles(string name, bool allFiles, bool scored) =>
        ImageFileNames.IsScored(name, allFiles).Should().Be(scored);
}

[Trait("Category", "Unit")]
public sealed class ShardTests
{
    private static readonly string[] Paths = [.. Enumerable.Range(0, 5000).Select(i => $"folder{i % 7}/digit-{i:D6}.png")];

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Shards_AreDisjointAndCoverEveryFile(int count)
    {
        var shards = Enumerable.Range(1, count).Select(i => Paths.Where(new Shard(i, count).Contains).ToList()).ToList();

        // Together, every path exactly once (sorted lists compared: equivalence matching is quadratic).
        shards.SelectMany(s => s).Order(StringComparer.Ordinal).Should().Equal(Paths.Order(StringComparer.Ordinal));
        shards.Should().AllSatisfy(s => s.Count.Should().BeInRange(Paths.Length / count * 8 / 10, Paths.Length / count * 12 / 10));
    }

    [Fact]
    public void Shard_DependsOnlyOnThePath()
    {
        var shard = new Shard(2, 5);

        Paths.Where(shard.Contains).Should().Equal(Paths.Reverse().Where(shard.Contains).Reverse());
    }

    [Theory]
    [InlineData("1/1", 1, 1)]
    [InlineData("3/4", 3, 4)]
    public void Parse_ReadsIndexAndCount(string text, int index, int count) => Shard.Parse(text).Should().Be(new Shard(index, count));

    [Theory]
    [InlineData("0/4")]
    [InlineData("5/4")]
    [InlineData("2")]
    [InlineData("a/b")]
    [InlineData("1/0")]
    [InlineData("-1/3")]
    public void Parse_RejectsOtherTextNamingIt(string text) =>
        FluentActions.Invoking(() => Shard.Parse(text)).Should().Throw<FormatException>().WithMessage($"shard '{text}' is not i/n*");
}
