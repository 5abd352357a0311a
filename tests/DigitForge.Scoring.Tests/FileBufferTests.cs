using DigitForge.Scoring.Images;

namespace DigitForge.Scoring.Tests;

/// <summary>Whole files into the reused buffer (on Linux through the system calls directly), and every
/// problem in the same words as the .NET file API's.</summary>
[Trait("Category", "Unit")]
public sealed class FileBufferTests
{
    [Fact]
    public void Load_ReadsEveryByte_WhateverTheSize()
    {
        using var dir = new TempDirectory();
        var buffer = new FileBuffer();
        var random = new Random(3);
        foreach (var size in new[] { 0, 1, 65_535, 65_536, 65_537, 200_000, 17 })
        {
            var content = new byte[size];
            random.NextBytes(content);
            File.WriteAllBytes(dir.File($"{size}.bin"), content);

            buffer.Load(dir.File($"{size}.bin"), maxBytes: 1 << 20);

            buffer.Content.ToArray().Should().Equal(content, $"{size} bytes");
        }
    }

    [Theory]
    [InlineData(1000, 999)]
    [InlineData(100_000, 70_000)] // larger than the first read: the size decides
    [InlineData(70_000, 65_536)]
    public void Load_FileOverTheLimit_IsRejectedUnread(int size, int maxBytes)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("big.png"), new byte[size]);

        var act = () => new FileBuffer().Load(dir.File("big.png"), maxBytes);

        act.Should().Throw<UnreadableImageException>().WithMessage($"file is {size:N0} bytes, over the limit of {maxBytes:N0}");
    }

    [Fact]
    public void Load_MissingFileOrFolder_SaysWhatTheDotNetApiSays()
    {
        using var dir = new TempDirectory();
        foreach (var path in new[] { dir.File("missing.png"), dir.Path })
        {
            var expected = Record.Exception(() => File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read).Dispose());

            var act = () => new FileBuffer().Load(path, maxBytes: 1 << 20);

            act.Should().Throw<UnreadableImageException>().WithMessage($"cannot read the file: {expected!.Message}");
        }
    }
}
