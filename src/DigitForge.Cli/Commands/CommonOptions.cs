using System.CommandLine;
using DigitForge.Cli.Pipeline;
using DigitForge.Engine.Config;

namespace DigitForge.Cli.Commands;

/// <summary>Options every verb takes: which recipe, which overrides, where things live.</summary>
public static class CommonOptions
{
    public static readonly Option<string> Config = new("--config", "-c")
    {
        Description = "Recipe file (JSON), relative to --root.",
        DefaultValueFactory = _ => "configs/default.json",
        Recursive = true,
    };

    public static readonly Option<string[]> Set = new("--set")
    {
        Description = "Override one config value, e.g. --set train.epochs=20 (repeatable).",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public static readonly Option<string> Artifacts = new("--artifacts")
    {
        Description = "Output folder, relative to --root.",
        DefaultValueFactory = _ => "artifacts",
        Recursive = true,
    };

    public static readonly Option<string> Root = new("--root")
    {
        Description = "Repository root that relative paths resolve against.",
        DefaultValueFactory = _ => Directory.GetCurrentDirectory(),
        Recursive = true,
    };

    public static void AddTo(Command command)
    {
        command.Options.Add(Config);
        command.Options.Add(Set);
        command.Options.Add(Artifacts);
        command.Options.Add(Root);
    }

    public static PipelinePaths Paths(ParseResult result) =>
        PipelinePaths.Resolve(result.GetValue(Root)!, result.GetValue(Artifacts)!);

    public static PipelineConfig LoadConfig(ParseResult result, PipelinePaths paths)
    {
        var file = Path.GetFullPath(result.GetValue(Config)!, paths.Root);
        var overrides = (result.GetValue(Set) ?? []).Select(ConfigOverride.Parse);
        return ConfigLoader<PipelineConfig>.Load(file, overrides);
    }
}
