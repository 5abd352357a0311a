using System.CommandLine;
using DigitForge.Cli.Pipelines;
using DigitForge.Engine.Caching;
using DigitForge.Engine.Config;
using DigitForge.Engine.Pipelines;
using DigitForge.Remote;

namespace DigitForge.Cli.Commands;

/// <summary>Options every verb takes: which pipeline, which recipe, which overrides, where things live.</summary>
public static class CommonOptions
{
    public static readonly Option<string> Pipeline = new("--pipeline", "-p")
    {
        Description = $"Which pipeline: {string.Join(", ", PipelineCatalog.BuiltIn.Select(p => p.Name))}, one declared by configs/<name>/pipeline.json, or one loaded from {PipelineCatalog.AssembliesVariable}.",
        DefaultValueFactory = _ => PipelineCatalog.Default,
        Recursive = true,
    };

    public static readonly Option<string?> Config = new("--config", "-c")
    {
        Description = "Recipe file (JSON), relative to --root (default: configs/<pipeline>/default.json).",
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
        Description = "Output folder, relative to --root; each pipeline writes under artifacts/<pipeline>/.",
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
        command.Options.Add(Pipeline);
        command.Options.Add(Config);
        command.Options.Add(Set);
        command.Options.Add(Artifacts);
        command.Options.Add(Root);
    }

    public static IPipelineDefinition Definition(ParseResult result) => PipelineCatalog.Find(result.GetValue(Pipeline)!, result.GetValue(Root));

    public static PipelinePaths Paths(ParseResult result)
    {
        var paths = PipelinePaths.Resolve(result.GetValue(Root)!, result.GetValue(Artifacts)!, Definition(result).Name);
        if (paths.Pipeline == PipelineCatalog.Default)
        {
            LegacyLayout.MoveIntoPipelineFolder(paths.Artifacts, paths.Home, Console.Error);
        }

        return paths;
    }

    /// <summary>The chosen pipeline's stage graph for the recipe and overrides on the command line.</summary>
    /// <param name="useStageCache">Restore stale stages from the stage cache (local and remote) and keep new outputs there.</param>
    public static StageGraph Graph(ParseResult result, bool forcePromotion = false, bool useStageCache = true)
    {
        var paths = Paths(result);
        var cache = useStageCache ? new StageCache(paths.StageCache, RemoteCacheSettings.FromEnvironment()) : null;
        return Definition(result).Create(ConfigFile(result, paths), Overrides(result), paths, new BuildOptions(forcePromotion, cache));
    }

    /// <summary>The recipe as its config class, validated; for verbs that read one section of it.</summary>
    public static object LoadConfig(ParseResult result) =>
        Definition(result).LoadConfig(ConfigFile(result, Paths(result)), Overrides(result));

    public static string ConfigFile(ParseResult result, PipelinePaths paths) =>
        Path.GetFullPath(result.GetValue(Config) ?? Definition(result).DefaultConfig, paths.Root);

    public static IEnumerable<ConfigOverride> Overrides(ParseResult result) => (result.GetValue(Set) ?? []).Select(ConfigOverride.Parse);
}
