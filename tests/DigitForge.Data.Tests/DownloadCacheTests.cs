using DigitForge.Data.Idx;
using DigitForge.Data.Sources;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Stages;

namespace DigitForge.Data.Tests;

[Trait("Category", "Unit")]
public sealed class DownloadCacheTests : IDisposable
{
    private static readonly byte[] Body = [.. Enumerable.Range(0, 50_000).Select(i => (byte)(i * 31))];
    private static readonly string BodySha = ContentHash.OfBytes(Body);

    private readonly TempDirectory temp = new();
    private readonly IStageLog log = new TextStageLog(TextWriter.Null, "test");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void First_get_downloads_and_verifies_the_file()
    {
        using var server = new LoopbackServer((request, response, _) => LoopbackServer.ServeRange(request, response, Body));

        var path = Cache().Get(server.Url, BodySha, log);

        File.ReadAllBytes(path).Should().Equal(Body);
        path.Should().Be(Path.Combine(temp.File("cache"), BodySha));
        server.Ranges.Should().Equal("none");
    }

    [Fact]
    public void Cache_hit_makes_no_request()
    {
        using var server = new LoopbackServer((request, response, _) => LoopbackServer.ServeRange(request, response, Body));
        var first = Cache().Get(server.Url, BodySha, log);

        var second = Cache().Get(server.Url, BodySha, log);

        second.Should().Be(first);
        server.Ranges.Should().HaveCount(1);
    }

    [Fact]
    public void Cached_file_that_no_longer_matches_is_downloaded_again()
    {
        using var server = new LoopbackServer((request, response, _) => LoopbackServer.ServeRange(request, response, Body));
        var path = Cache().Get(server.Url, BodySha, log);
        File.WriteAllText(path, "bit rot");

        Cache().Get(server.Url, BodySha, log);

        File.ReadAllBytes(path).Should().Equal(Body);
        server.Ranges.Should().HaveCount(2);
    }

    [Fact]
    public void Download_resumes_from_the_partial_file_after_the_connection_is_cut()
    {
        using var server = new LoopbackServer((request, response, number) =>
            LoopbackServer.ServeRange(request, response, Body, stopAfter: number == 0 ? 20_000 : int.MaxValue));

        var path = Cache().Get(server.Url, BodySha, log);

        File.ReadAllBytes(path).Should().Equal(Body);
        server.Ranges.Should().Equal("none", "bytes=20000-");
    }

    [Fact]
    public void Download_is_retried_after_503()
    {
        using var server = new LoopbackServer((request, response, number) =>
        {
            if (number < 2)
            {
                response.StatusCode = 503;
                return;
            }

            LoopbackServer.ServeRange(request, response, Body);
        });

        var path = Cache().Get(server.Url, BodySha, log);

        File.ReadAllBytes(path).Should().Equal(Body);
        server.Ranges.Should().HaveCount(3);
    }

    [Fact]
    public void Not_found_is_not_retried_and_names_the_url()
    {
        using var server = new LoopbackServer((_, response, _) => response.StatusCode = 404);

        var act = () => Cache().Get(server.Url, BodySha, log);

        act.Should().Throw<DataFormatException>().WithMessage($"{server.Url}: download failed: HTTP 404*");
        server.Ranges.Should().HaveCount(1);
    }

    [Fact]
    public void Content_with_the_wrong_hash_is_rejected_naming_both_hashes_and_not_cached()
    {
        using var server = new LoopbackServer((_, response, _) => response.OutputStream.Write("tampered"u8));
        var expected = new string('a', 64);

        var act = () => Cache().Get(server.Url, expected, log);

        act.Should().Throw<DataFormatException>()
            .WithMessage($"{server.Url}: SHA-256 mismatch: expected {expected}, got {ContentHash.OfBytes("tampered"u8)}");
        Directory.GetFiles(temp.File("cache")).Should().BeEmpty();
    }

    private DownloadCache Cache() => new(temp.File("cache"), retryDelay: TimeSpan.FromMilliseconds(5));
}
