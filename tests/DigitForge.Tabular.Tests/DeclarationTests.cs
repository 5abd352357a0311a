using DigitForge.Engine.Config;
using DigitForge.Engine.Pipelines;
using DigitForge.Tabular.Stages;

namespace DigitForge.Tabular.Tests;

/// <summary>pipeline.json and the recipe's trainer and gate: each mistake refused with the key that holds it.</summary>
[Trait("Category", "Unit")]
public sealed class DeclarationTests : IDisposable
{
    private const string Valid = """
        {
          "description": "Toy: a class from two numbers and a colour.",
          "source": { "path": "toy.csv", "sha256": "0000000000000000000000000000000000000000000000000000000000000000" },
          "task": "multiclass",
          "label": "kind",
          "classes": ["a", "b", "c"],
          "features": [ { "name": "x", "kind": "numeric" }, { "name": "y", "kind": "numeric" }, { "name": "colour", "kind": "categorical" } ]
        }
        """;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private TabularDeclaration Load(string json)
    {
        var path = temp.File(TabularDeclaration.FileName);
        File.WriteAllText(path, json);
        return TabularDeclaration.Load(path);
    }

    private Action Loading(string json) => () => Load(json);

    [Fact]
    public void A_valid_declaration_lists_the_features_then_the_label()
    {
        var declaration = Load(Valid);

        declaration.Columns.Select(c => c.Name).Should().Equal("x", "y", "colour", "kind");
        declaration.IsClassifier.Should().BeTrue();
    }

    [Fact]
    public void A_bad_kind_an_unknown_key_and_a_missing_label_are_refused_naming_their_keys()
    {
        Loading(Valid.Replace("\"kind\": \"categorical\"", "\"kind\": \"colour\"")).Should().Throw<ConfigException>().WithMessage("*'features[2].kind': expected one of numeric, categorical, text, got \"colour\"*");
        Loading(Valid.Replace("\"task\"", "\"tsak\"")).Should().Throw<ConfigException>().WithMessage("*'tsak': unknown key*");
        Loading(Valid.Replace("\"label\": \"kind\",", string.Empty)).Should().Throw<ConfigException>().WithMessage("*'label': is required*");
        Loading(Valid.Replace("\"sha256\": \"0000", "\"sha256\": \"zz00")).Should().Throw<ConfigException>().WithMessage("*'source.sha256'*64 lower-case hex digits*");
    }

    [Fact]
    public void Classes_must_fit_the_task_and_columns_be_named_once()
    {
        Loading(Valid.Replace("\"multiclass\"", "\"binary\"")).Should().Throw<ConfigException>().WithMessage("*'classes': a binary task needs 2 distinct classes, got 3*");
        Loading(Valid.Replace("\"name\": \"y\"", "\"name\": \"kind\"")).Should().Throw<ConfigException>().WithMessage("*'features': column 'kind' is named twice*");
    }

    [Fact]
    public void An_unknown_trainer_option_or_threshold_is_a_config_error_naming_the_key()
    {
        var pipeline = new TabularPipeline("toy", () => Load(Valid));
        var paths = PipelinePaths.Resolve(temp.Path, "artifacts", "toy");
        StageGraph Graph(TabularConfig config) => pipeline.Create(config, paths, new BuildOptions());

        Graph(new TabularConfig()).Stages.Select(s => s.Name).Should().Equal("Ingest", "Split", "Train", "Evaluate", "Promote", "Report");
        FluentActions.Invoking(() => Graph(new TabularConfig { Train = { Trainer = "Sdca" } })).Should().Throw<ConfigException>()
            .WithMessage("'train.trainer': \"Sdca\" is not a trainer for pipeline toy's multiclass task; it takes SdcaMaximumEntropy, LbfgsMaximumEntropy, FastTree");
        FluentActions.Invoking(() => Graph(new TabularConfig { Train = { Options = { ["numberOfTrees"] = 5, ["depth"] = 3 } } })).Should().Throw<ConfigException>()
            .WithMessage("'train.options.depth': FastTree takes no such option; it takes numberOfTrees, numberOfLeaves, learningRate, minimumExampleCountPerLeaf");
        FluentActions.Invoking(() => Graph(new TabularConfig { Promote = { Thresholds = { ["mae"] = 3 } } })).Should().Throw<ConfigException>()
            .WithMessage("'promote.thresholds.mae': not a metric of a multiclass task; metrics are accuracy, macroF1, logLoss");
        pipeline.PublishingStage.Should().Be<PromoteStage>();
    }
}
