using DigitForge.Engine.Config;
using DigitForge.HackerNews.Splitting;
using Newtonsoft.Json.Linq;

namespace DigitForge.HackerNews.Tests.Splitting;

[Trait("Category", "Unit")]
public sealed class SplitConfigTests
{
    [Fact]
    public void The_split_section_binds_the_method_by_name_and_checks_its_ranges()
    {
        var config = ConfigLoader<SplitConfig>.Bind(JObject.Parse("""{"method":"time","testFraction":0.1}"""), "recipe.json");
        (config.Method, config.TestFraction, config.Seed).Should().Be((SplitMethod.Time, 0.1, 42));

        var bind = () => ConfigLoader<SplitConfig>.Bind(JObject.Parse("""{"method":"stratified","testFraction":0.95}"""), "recipe.json");
        bind.Should().Throw<ConfigException>().WithMessage("*'method': expected one of random, time, got \"stratified\"*");
        var range = () => ConfigLoader<SplitConfig>.Bind(JObject.Parse("""{"testFraction":0.95}"""), "recipe.json");
        range.Should().Throw<ConfigException>().WithMessage("*'testFraction': 0.95 is out of range, expected 0.01 to 0.9*");
    }
}
