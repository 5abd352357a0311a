using DigitForge.Engine.Config;
using DigitForge.Training;
using Newtonsoft.Json.Linq;

namespace DigitForge.Training.Tests;

[Trait("Category", "Unit")]
public sealed class TrainConfigTests
{
    [Theory]
    [InlineData("""{ "optimizer": "rmsprop" }""", "'optimizer': expected one of adam, sgd, got \"rmsprop\"")]
    [InlineData("""{ "augmentation": { "scaleMin": 1.2, "scaleMax": 1.1 } }""", "'augmentation.scaleMin': 'scaleMin' (1.2) must not exceed 'scaleMax' (1.1)")]
    [InlineData("""{ "schedule": { "gamma": 0 } }""", "'schedule.gamma': 0 is out of range, expected 0.0001 to 1")]
    [InlineData("""{ "earlyStopping": { "patience": "soon" } }""", "'earlyStopping.patience': expected a whole number, got \"soon\"")]
    [InlineData("""{ "threads": 0 }""", "'threads': 0 is out of range, expected 1 to 256")]
    public void Bad_train_sections_are_rejected_naming_the_key(string json, string message)
    {
        var act = () => ConfigLoader<TrainConfig>.Bind(JObject.Parse(json), "recipe.json");

        act.Should().Throw<ConfigException>().Which.Message.Should().Contain(message);
    }

    [Fact]
    public void Model_sizes_are_checked()
    {
        var act = () => ConfigLoader<ModelConfig>.Bind(JObject.Parse("""{ "channels": [32, 64] }"""), "recipe.json");

        act.Should().Throw<ConfigException>().Which.Message.Should().Contain("'channels': expected 3 channel counts between 1 and 1024");
    }
}
