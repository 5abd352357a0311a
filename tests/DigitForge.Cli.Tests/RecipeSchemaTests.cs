using DigitForge.Cli.Commands;
using DigitForge.Cli.Pipelines;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace DigitForge.Cli.Tests;

/// <summary>configs/&lt;pipeline&gt;/config.schema.json: current with the config classes, and every checked-in recipe valid against it.</summary>
[Trait("Category", "Unit")]
public sealed class RecipeSchemaTests
{
    public static TheoryData<string> Pipelines => [.. PipelineCatalog.In(Repository.Root).Select(p => p.Name)];

    public static TheoryData<string, string> Recipes()
    {
        var recipes = new TheoryData<string, string>();
        foreach (var pipeline in PipelineCatalog.In(Repository.Root))
        {
            foreach (var file in Directory.GetFiles(Path.Combine(Repository.Root, "configs", pipeline.Name), "*.json").Where(f => Path.GetFileName(f) is not RecipeSchema.FileName and not Tabular.TabularDeclaration.FileName))
            {
                recipes.Add(pipeline.Name, Path.GetFileName(file));
            }
        }

        return recipes;
    }

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void The_checked_in_schema_is_the_generated_one(string pipeline)
    {
        var definition = PipelineCatalog.Find(pipeline, Repository.Root);
        var path = RecipeSchema.PathFor(Repository.Root, definition);
        var regenerate = $"regenerate it: dotnet run --project src/DigitForge.Cli -- config schema --pipeline {pipeline} > configs/{pipeline}/{RecipeSchema.FileName}";

        File.Exists(path).Should().BeTrue($"{path} is checked in; {regenerate}");
        File.ReadAllText(path).ReplaceLineEndings("\n").Should().Be(RecipeSchema.ToText(RecipeSchema.Generate(definition)),
            $"configs/{pipeline}/{RecipeSchema.FileName} must match the config classes; {regenerate}");
    }

    [Theory]
    [MemberData(nameof(Recipes))]
    public void Every_checked_in_recipe_points_at_its_schema_is_valid_and_loads(string pipeline, string file)
    {
        var definition = PipelineCatalog.Find(pipeline, Repository.Root);
        var path = Path.Combine(Repository.Root, "configs", pipeline, file);
        var recipe = JObject.Parse(File.ReadAllText(path));

        recipe["$schema"]?.ToString().Should().Be(RecipeSchema.Reference, $"{path} names its schema for editors");
        Validate(definition, recipe).Should().BeEmpty($"{path} is valid against configs/{pipeline}/{RecipeSchema.FileName}");
        definition.LoadConfig(path, []).Should().BeOfType(definition.ConfigType, "the loader accepts and ignores \"$schema\"");
    }

    [Fact]
    public void A_misspelt_key_and_an_out_of_range_value_are_reported_by_the_schema()
    {
        var definition = PipelineCatalog.Find("mnist");
        var recipe = JObject.Parse(File.ReadAllText(Path.Combine(Repository.Root, "configs", "mnist", "ci.json")));
        recipe["train"]!["epochz"] = 3;
        recipe["train"]!["learningRate"] = 20.0;
        recipe["train"]!["optimizer"] = "rmsprop";

        var errors = Validate(definition, recipe);

        errors.Should().Contain(e => e.Kind == ValidationErrorKind.NoAdditionalPropertiesAllowed && e.Path == "#/train.epochz");
        errors.Should().Contain(e => e.Kind == ValidationErrorKind.NumberTooBig && e.Path == "#/train.learningRate");
        errors.Should().Contain(e => e.Kind == ValidationErrorKind.NotInEnumeration && e.Path == "#/train.optimizer");
    }

    [Fact]
    public void The_schema_describes_keys_with_their_ranges_defaults_and_doc_comments()
    {
        var schema = RecipeSchema.Generate(PipelineCatalog.Find("mnist"));
        var train = schema.Properties["train"].ActualSchema;

        schema.RequiredProperties.Should().Equal(["data"], "every other section has a default");
        train.AllowAdditionalProperties.Should().BeFalse();
        train.Properties["epochs"].Minimum.Should().Be(1);
        train.Properties["epochs"].Maximum.Should().Be(1000);
        JToken.FromObject(train.Properties["epochs"].Default!).Value<int>().Should().Be(30);
        train.Properties["optimizer"].ActualSchema.Enumeration.Should().Equal("adam", "sgd");
        train.Properties["threads"].Description.Should().Contain("libtorch");
        schema.Properties["promote"].Description.Should().Contain("quality gate");
    }

    [Fact]
    public void The_config_schema_command_prints_the_schema()
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        int exit;
        try
        {
            exit = CommandLine.Build().Parse(["config", "schema", "--pipeline", "hn"]).Invoke();
        }
        finally
        {
            Console.SetOut(original);
        }

        exit.Should().Be(0);
        output.ToString().Should().Be(RecipeSchema.ToText(RecipeSchema.Generate(PipelineCatalog.Find("hn"))));
        output.ToString().Should().Contain("\"title\": \"DigitForge hn recipe\"");
    }

    private static ICollection<ValidationError> Validate(Engine.Pipelines.IPipelineDefinition definition, JObject recipe) =>
        JsonSchema.FromJsonAsync(File.ReadAllText(RecipeSchema.PathFor(Repository.Root, definition))).GetAwaiter().GetResult().Validate(recipe);
}
