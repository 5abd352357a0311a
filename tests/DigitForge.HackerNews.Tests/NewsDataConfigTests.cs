using System.Security.Cryptography;
using DigitForge.Engine.Config;
using DigitForge.HackerNews.Api;
using Newtonsoft.Json.Linq;

namespace DigitForge.HackerNews.Tests;

[Trait("Category", "Unit")]
public sealed class NewsDataConfigTests
{
    [Fact]
    public void By_default_the_bundled_snapshot_is_used_and_its_pinned_hash_matches_the_committed_file()
    {
        var config = ConfigLoader<NewsDataConfig>.Bind(new JObject(), "recipe.json");

        config.Source.Should().Be(NewsSource.Bundled);
        config.Bundled.Path.Should().Be("data/hn/stories.csv.gz");
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(RepoFiles.Root, config.Bundled.Path!))))
            .Should().Be(config.Bundled.Sha256);
    }

    [Fact]
    public void An_api_source_binds_to_client_options()
    {
        var config = ConfigLoader<NewsDataConfig>.Bind(
            JObject.Parse("""{"source":"api","api":{"latest":500,"baseUrl":"http://127.0.0.1:8080","concurrency":4,"maxRetries":2,"retryDelaySeconds":0.5,"timeoutSeconds":3,"maxIdsScanned":9000}}"""),
            "recipe.json");

        config.Source.Should().Be(NewsSource.Api);
        config.Api.Latest.Should().Be(500);
        config.Api.ToClientOptions().Should().Be(new HackerNewsClientOptions
        {
            BaseUrl = new Uri("http://127.0.0.1:8080"),
            Concurrency = 4,
            MaxRetries = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(500),
            RequestTimeout = TimeSpan.FromSeconds(3),
            MaxIdsScanned = 9000,
        });
    }

    [Fact]
    public void Every_bad_value_is_named_with_what_was_expected()
    {
        var bind = () => ConfigLoader<NewsDataConfig>.Bind(
            JObject.Parse("""{"source":"api","bundled":{"sha256":"ABC"},"api":{"latest":0,"baseUrl":"ftp://example.com","concurrency":100}}"""),
            "recipe.json");

        bind.Should().Throw<ConfigException>().Which.Message.Split(Environment.NewLine).Select(line => line.Trim()).Should().BeEquivalentTo(
            "recipe.json: invalid config:",
            "'bundled.sha256': \"ABC\": expected 64 lower-case hex digits",
            "'api.latest': 0 is out of range, expected 1 to 100000",
            "'api.concurrency': 100 is out of range, expected 1 to 64",
            "'api.baseUrl': expected an absolute http(s) URL, got 'ftp://example.com'");
    }

    [Fact]
    public void An_unknown_source_lists_the_known_ones()
    {
        var bind = () => ConfigLoader<NewsDataConfig>.Bind(JObject.Parse("""{"source":"kaggle"}"""), "recipe.json");

        bind.Should().Throw<ConfigException>().WithMessage("*'source': expected one of bundled, api, got \"kaggle\"*");
    }
}
