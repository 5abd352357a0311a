using System.ComponentModel.DataAnnotations;
using DigitForge.Engine.Config;

namespace DigitForge.Engine.Tests;

[Trait("Category", "Unit")]
public sealed class ConfigLoaderTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Loads_values_and_keeps_defaults_for_missing_keys()
    {
        var config = Load("""{ "train": { "epochs": 5 } }""");

        config.Train.Epochs.Should().Be(5);
        config.Train.Rate.Should().Be(0.001);
        config.Name.Should().Be("default");
    }

    [Fact]
    public void Overrides_replace_values_by_dotted_key_and_parse_json_values()
    {
        var config = Load("""{ "train": { "epochs": 5 } }""", "train.epochs=20", "train.rate=0.5", "name=custom", "train.kind=sgd", "train.sizes=[1,2]");

        config.Train.Epochs.Should().Be(20);
        config.Train.Rate.Should().Be(0.5);
        config.Name.Should().Be("custom");
        config.Train.Kind.Should().Be(TestKind.Sgd);
        config.Train.Sizes.Should().Equal(1, 2);
    }

    [Fact]
    public void Unknown_key_is_rejected_naming_it()
    {
        var act = () => Load("""{ "train": { "epochz": 5 } }""");

        act.Should().Throw<ConfigException>().WithMessage("*'train.epochz': unknown key*").WithMessage("*config.json*");
    }

    [Fact]
    public void A_schema_key_at_the_top_is_accepted_and_ignored()
    {
        var config = Load("""{ "$schema": "./config.schema.json", "train": { "epochs": 5 } }""");

        config.Train.Epochs.Should().Be(5);
        config.Name.Should().Be("default");
    }

    [Fact]
    public void A_schema_key_elsewhere_or_not_a_string_is_rejected()
    {
        var nested = () => Load("""{ "train": { "$schema": "./config.schema.json" } }""");
        nested.Should().Throw<ConfigException>().WithMessage("*'train.$schema': unknown key*");

        var number = () => Load("""{ "$schema": 3 }""");
        number.Should().Throw<ConfigException>().WithMessage("*'$schema': expected a string*got 3*");
    }

    [Fact]
    public void Unknown_key_from_an_override_is_rejected_naming_it()
    {
        var act = () => Load("{}", "train.epoch=3");

        act.Should().Throw<ConfigException>().WithMessage("*'train.epoch': unknown key*");
    }

    [Theory]
    [InlineData("""{ "train": { "epochs": "many" } }""", "*'train.epochs': expected a whole number, got \"many\"*")]
    [InlineData("""{ "train": { "epochs": 2.5 } }""", "*'train.epochs': expected a whole number, got 2.5*")]
    [InlineData("""{ "train": { "rate": true } }""", "*'train.rate': expected a number*")]
    [InlineData("""{ "train": { "kind": "rmsprop" } }""", "*'train.kind': expected one of adam, sgd*")]
    [InlineData("""{ "train": 3 }""", "*'train': expected an object*")]
    public void Wrong_types_are_rejected_naming_key_and_expectation(string json, string message)
    {
        var act = () => Load(json);

        act.Should().Throw<ConfigException>().WithMessage(message);
    }

    [Fact]
    public void Out_of_range_values_are_rejected_with_the_range()
    {
        var act = () => Load("""{ "train": { "epochs": 0, "rate": 50 } }""");

        act.Should().Throw<ConfigException>()
            .WithMessage("*'train.epochs': 0 is out of range, expected 1 to 100*")
            .WithMessage("*'train.rate': 50 is out of range, expected 0 to 1*");
    }

    [Fact]
    public void Cross_field_rules_report_the_member()
    {
        var act = () => Load("""{ "train": { "min": 5, "max": 1 } }""");

        act.Should().Throw<ConfigException>().WithMessage("*'train.min': min must not exceed max*");
    }

    [Fact]
    public void Null_required_section_is_rejected()
    {
        var act = () => Load("""{ "train": null }""");

        act.Should().Throw<ConfigException>().WithMessage("*'train': is required*");
    }

    [Fact]
    public void Missing_file_and_malformed_json_name_the_file()
    {
        var missing = () => ConfigLoader<TestConfig>.Load(temp.File("nope.json"), []);
        missing.Should().Throw<ConfigException>().WithMessage("*nope.json: config file not found*");

        File.WriteAllText(temp.File("bad.json"), "{ \"train\": ");
        var malformed = () => ConfigLoader<TestConfig>.Load(temp.File("bad.json"), []);
        malformed.Should().Throw<ConfigException>().WithMessage("*bad.json: not valid JSON*");
    }

    [Theory]
    [InlineData("noequals")]
    [InlineData("=5")]
    [InlineData("train..epochs=5")]
    public void Malformed_overrides_are_rejected(string text)
    {
        var act = () => ConfigOverride.Parse(text);

        act.Should().Throw<ConfigException>().WithMessage($"*{text}*");
    }

    private TestConfig Load(string json, params string[] overrides)
    {
        var path = temp.File("config.json");
        File.WriteAllText(path, json);
        return ConfigLoader<TestConfig>.Load(path, overrides.Select(ConfigOverride.Parse));
    }

    public enum TestKind
    {
        Adam,
        Sgd,
    }

    public sealed class TestConfig
    {
        public string Name { get; set; } = "default";

        [Required]
        public TestTrain Train { get; set; } = new();
    }

    public sealed class TestTrain : IValidatableObject
    {
        [Range(1, 100)]
        public int Epochs { get; set; } = 10;

        [Range(0.0, 1.0)]
        public double Rate { get; set; } = 0.001;

        public TestKind Kind { get; set; }

        public int[] Sizes { get; set; } = [3];

        public int Min { get; set; }

        public int Max { get; set; } = 10;

        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            if (Min > Max)
            {
                yield return new ValidationResult("min must not exceed max", [nameof(Min)]);
            }
        }
    }
}
