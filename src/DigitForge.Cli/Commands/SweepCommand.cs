using System.CommandLine;
using System.Globalization;
using DigitForge.Engine.Config;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;
using DigitForge.Engine.Sweeps;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge sweep</c>: plans many recipes of one pipeline (a grid of <c>--sweep</c> values or a
/// seeded random search), checks every one before any work, and builds them as ordinary builds with
/// overrides, <c>--jobs</c> at a time (<see cref="SweepRunner"/>).
/// </summary>
public static class SweepCommand
{
    public const int DefaultMaxRuns = 64;

    public static Command Create()
    {
        var sweep = new Option<string[]>("--sweep")
        {
            Description = "A key and its values: KEY=V1,V2,... or KEY=LOW..HIGH (whole numbers in a grid; drawn from in a random search). Repeatable: a grid is every combination.",
            AllowMultipleArgumentsPerToken = false,
        };
        var search = new Option<string?>("--search") { Description = "random:N: N members drawn from the --sweep ranges, or from the ranges the config declares when none is given." };
        var seed = new Option<int>("--seed") { Description = "The random search's seed.", DefaultValueFactory = _ => 1 };
        var maxRuns = new Option<int>("--max-runs") { Description = "Refuse a sweep of more members than this.", DefaultValueFactory = _ => DefaultMaxRuns };
        var jobs = new Option<int>("--jobs") { Description = "Members built at once; the cores are split between them (the thread count is part of each member's recipe).", DefaultValueFactory = _ => 1 };
        var prune = new Option<string?>("--prune") { Description = "median: stop a member whose best validation figure so far is worse than the median of the other members at that epoch." };
        var target = new Option<string?>("--target") { Description = "The stage each member is built up to (default: the stage that measures the metrics)." };
        var promoteBest = new Option<bool>("--promote-best") { Description = "Afterwards, build the best member up to the promoting stage in the artifacts folder: the ordinary quality gate decides." };
        var command = new Command("sweep", "Build many recipes of a pipeline (a grid or a random search), sharing unchanged stages, and compare them.")
        {
            sweep, search, seed, maxRuns, jobs, prune, target, promoteBest,
        };
        command.SetAction(result => Guarded.Run(() =>
        {
            var plan = Plan(result, result.GetValue(sweep) ?? [], result.GetValue(search), result.GetValue(seed), result.GetValue(maxRuns), result.GetValue(jobs), result.GetValue(prune), result.GetValue(target));
            return new SweepRunner(result, plan).Run(result.GetValue(promoteBest));
        }));
        return command;
    }

    /// <summary>Plans the sweep and checks every member's recipe with the config loader; nothing is written.</summary>
    public static SweepPlan Plan(ParseResult result, IReadOnlyList<string> sweeps, string? search, int seed, int maxRuns, int jobs, string? pruneRule, string? target)
    {
        var definition = CommonOptions.Definition(result);
        var paths = CommonOptions.Paths(result);
        if (jobs < 1)
        {
            throw new ConfigException($"--jobs={jobs}: must be at least 1");
        }

        var prune = TrialBoard.ParseRule(pruneRule);
        if (prune != PruneRule.None && definition.TrainingHistory is null)
        {
            throw new ConfigException($"--prune={pruneRule}: pipeline {definition.Name}'s training reports no per-epoch validation figures to prune by");
        }

        var configFile = CommonOptions.ConfigFile(result, paths);
        var baseOverrides = result.GetValue(CommonOptions.Set) ?? [];
        var graph = definition.Create(configFile, baseOverrides.Select(ConfigOverride.Parse), paths, new BuildOptions());
        var stage = Stage(definition, graph, target);

        var specs = sweeps.Select(SweepSpec.Parse).ToList();
        var values = SweepPlanner.Plan(new SweepRequest(specs, search is null ? null : SweepPlanner.ParseSearch(search), seed, maxRuns), definition.ConfigType);
        var keys = values.Count > 0 ? values[0].Keys.ToList() : [];

        // The cores are split between the members at once; a member's thread count is part of its recipe.
        var threadsKey = definition.ThreadsKey is { } key && !keys.Contains(key, StringComparer.OrdinalIgnoreCase) ? key : null;
        var threads = threadsKey is null ? null : $"{threadsKey}={Math.Max(1, Environment.ProcessorCount / jobs).ToString(CultureInfo.InvariantCulture)}";
        var width = values.Count.ToString(CultureInfo.InvariantCulture).Length;
        var members = values.Select((v, i) =>
        {
            var name = "m" + (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(Math.Max(2, width), '0');
            IReadOnlyList<string> overrides = [.. baseOverrides, .. v.Select(kv => $"{kv.Key}={kv.Value}"), .. threads is null ? [] : new[] { threads }];
            try
            {
                definition.LoadConfig(configFile, overrides.Select(ConfigOverride.Parse));
            }
            catch (ConfigException ex)
            {
                throw new ConfigException($"sweep member {name} ({string.Join(", ", v.Select(kv => $"{kv.Key}={kv.Value}"))}): {OneLine(ex.Message)}");
            }

            return new SweepMember(name, v, overrides);
        }).ToList();

        var config = Path.GetRelativePath(paths.Root, configFile) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) ? relative.Replace('\\', '/') : configFile;

        // The id follows what decides the members, so the same sweep run again is found and resumed.
        var id = "sw-" + CanonicalJson.Hash(new
        {
            pipeline = definition.Name,
            config,
            recipe = ContentHash.OfText(File.ReadAllText(configFile)),
            target = stage,
            prune,
            members = members.Select(m => m.Overrides),
        })[..10];
        return new SweepPlan
        {
            Id = id,
            Pipeline = definition.Name,
            Config = config,
            Target = stage,
            Jobs = jobs,
            Prune = prune,
            ThreadsKey = threadsKey,
            Keys = keys,
            Members = members,
        };
    }

    /// <summary>The member's rebuild line: the ordinary build of its recipe.</summary>
    public static string RebuildLine(SweepPlan plan, SweepMember member) =>
        $"./build.sh --pipeline={plan.Pipeline} --config={plan.Config} --target={plan.Target} " + string.Join(" ", member.Overrides.Select(o => "--set=" + o));

    private static string Stage(IPipelineDefinition definition, StageGraph graph, string? target)
    {
        string name;
        try
        {
            name = target is null
                ? definition.MetricsStage is { } measuring ? StageNames.Of(measuring) : graph.Stages[^1].Name
                : graph.Find(target).Name;
        }
        catch (ArgumentException ex)
        {
            throw new ConfigException($"--target={target}: {ex.Message}");
        }

        if (definition.PublishingStage is { } publishing && graph.Closure(name).Any(s => s.Name == StageNames.Of(publishing)))
        {
            throw new ConfigException($"--target={name}: sweep members are not promoted; build them up to a stage before {StageNames.Of(publishing)} and use --promote-best");
        }

        return name;
    }

    private static string OneLine(string message) =>
        string.Join(" ", message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
}
