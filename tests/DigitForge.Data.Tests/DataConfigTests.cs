using DigitForge.Engine.Config;
using Newtonsoft.Json.Linq;

namespace DigitForge.Data.Tests;

[Trait("Category", "Unit")]
public sealed class DataConfigTests
{
    [Theory]
    [InlineData("""{ }""", "'idx': exactly one of 'idx' or 'folder' must be set")]
    [InlineData("""{ "idx": { "images": { "path": "a", "url": "https://x/a" }, "labels": { "path": "b" } } }""", "'idx.images.path': exactly one of 'path' or 'url' must be set")]
    [InlineData("""{ "idx": { "images": { "url": "https://x/a" }, "labels": { "path": "b" } } }""", "'idx.images.sha256': a 'url' needs a pinned 'sha256'")]
    [InlineData("""{ "idx": { "images": { "url": "ftp://x/a", "sha256": "0000000000000000000000000000000000000000000000000000000000000000" }, "labels": { "path": "b" } } }""", "'idx.images.url': expected an absolute http(s) URL, got 'ftp://x/a'")]
    [InlineData("""{ "idx": { "images": { "path": "a", "sha256": "ABC" }, "labels": { "path": "b" } } }""", "'idx.images.sha256': \"ABC\": expected 64 lower-case hex digits")]
    [InlineData("""{ "idx": { "images": { "path": "a" }, "labels": { "path": "b" }, "testImages": { "path": "c" } } }""", "'idx.testImages': 'testImages' and 'testLabels' must be set together")]
    [InlineData("""{ "folder": { "path": "x", "imageSize": 2 } }""", "'folder.imageSize': 2 is out of range, expected 4 to 1024")]
    public void Bad_data_sections_are_rejected_naming_the_key(string json, string message)
    {
        var act = () => ConfigLoader<DataConfig>.Bind(JObject.Parse(json), "recipe.json");

        act.Should().Throw<ConfigException>().Which.Message.Should().Contain(message);
    }

    [Fact]
    public void A_valid_idx_source_binds()
    {
        var config = ConfigLoader<DataConfig>.Bind(JObject.Parse("""{ "idx": { "images": { "path": "a" }, "labels": { "path": "b" } } }"""), "recipe.json");

        config.Idx!.Images!.Path.Should().Be("a");
    }
}
