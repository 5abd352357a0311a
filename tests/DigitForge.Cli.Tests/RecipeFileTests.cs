using DigitForge.Engine.Config;

namespace DigitForge.Cli.Tests;

[Trait("Category", "Unit")]
public sealed class RecipeFileTests : IDisposable
{
    private const string Id = "2d38bac4e051";

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Theory]
    [InlineData("mnist", "      }\n    }\n  },\n  \"preprocess\"")]
    [InlineData("hn", "      \"timeoutSeconds\": 10.0\n    }\n  },\n  \"split\"")]
    public void Adding_to_a_shipped_recipe_changes_only_the_lines_of_the_list(string pipeline, string endOfData)
    {
        var original = File.ReadAllText(Path.Combine(Repository.Root, "configs", pipeline, "default.json"));
        var path = Copy(original);

        RecipeFile.AddToList(path, "data.feedback", Id).Should().BeTrue();

        var closing = endOfData.Split('\n');
        var expected = string.Join('\n', [.. closing[..^3], "    },", "    \"feedback\": [", $"      \"{Id}\"", "    ]", .. closing[^2..]]);
        original.Should().Contain(endOfData);
        File.ReadAllText(path).Should().Be(original.Replace(endOfData, expected, StringComparison.Ordinal));
    }

    [Fact]
    public void An_id_already_listed_leaves_the_file_as_it_is_and_another_is_appended()
    {
        var path = Copy("{\r\n  \"data\": {\r\n    \"feedback\": [\r\n      \"aaaaaaaaaaaa\"\r\n    ]\r\n  }\r\n}");
        var written = File.GetLastWriteTimeUtc(path);

        RecipeFile.AddToList(path, "data.feedback", "aaaaaaaaaaaa").Should().BeFalse();
        File.GetLastWriteTimeUtc(path).Should().Be(written);

        RecipeFile.AddToList(path, "data.feedback", Id).Should().BeTrue();
        File.ReadAllText(path).Should().Be($"{{\r\n  \"data\": {{\r\n    \"feedback\": [\r\n      \"aaaaaaaaaaaa\",\r\n      \"{Id}\"\r\n    ]\r\n  }}\r\n}}", "the file keeps its line endings and has no final newline still");
    }

    [Fact]
    public void A_recipe_without_the_section_gets_it()
    {
        var path = Copy("{\n  \"train\": {\n    \"epochs\": 2,\n    \"weightDecay\": 1e-05\n  }\n}\n");

        RecipeFile.AddToList(path, "data.feedback", Id);

        File.ReadAllText(path).Should().Be($"{{\n  \"train\": {{\n    \"epochs\": 2,\n    \"weightDecay\": 1e-05\n  }},\n  \"data\": {{\n    \"feedback\": [\n      \"{Id}\"\n    ]\n  }}\n}}\n");
    }

    [Theory]
    [InlineData("{\"data\": {\"feedback\": \"aaaaaaaaaaaa\"}}", "*'data.feedback': expected a list of strings, got \"aaaaaaaaaaaa\"")]
    [InlineData("{\"data\": [1]}", "*'data': expected an object, got [1]")]
    [InlineData("{\n  // the production recipe\n  \"data\": {}\n}", "*cannot edit it (*); add 2d38bac4e051 to 'data.feedback' by hand")]
    public void A_recipe_it_cannot_edit_faithfully_is_refused_naming_the_file_and_key_and_left_alone(string text, string message)
    {
        var path = Copy(text);

        var add = () => RecipeFile.AddToList(path, "data.feedback", Id);

        add.Should().Throw<ConfigException>().WithMessage($"{path}: {message}");
        File.ReadAllText(path).Should().Be(text);
    }

    private string Copy(string text)
    {
        var path = temp.File($"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        return path;
    }
}
