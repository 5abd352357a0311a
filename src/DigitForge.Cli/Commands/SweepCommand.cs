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
/// overrides, <c>--jobs</c> at a time (<see cref="SweepRunner"/>); or, for a cluster, only writes the
/// plan (<c>--plan-only</c>) or builds one member of a planned sweep (<c>--plan</c>, <see cref="SweepRemote"/>).
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
        var planOnly = new Option<bool>("--plan-only") { Description = "Write the plan, upload it to the remote (DIGITFORGE_REMOTE) when one is set, print its id and build nothing: for a sweep whose members build elsewhere (--member)." };
        var member = new Option<int?>("--member") { Description = $"Build only this member of the --plan (0-based, as a Kubernetes Indexed Job numbers its pods; default: {SweepRemote.IndexVariable}) and record its run in the remote." };
        var planOption = new Option<string?>("--plan") { Description = "The plan of the sweep --member builds from: its plan.json, or its id when the remote holds it." };
        var command = new Command("sweep", "Build many recipes of a pipeline (a grid or a random search), sharing unchanged stages, and compare them.")
        {
            sweep, search, seed, maxRuns, jobs, prune, target, promoteBest, planOnly, member, planOption,
        };
        command.SetAction(result => Guarded.Run(() =>
        {
            var sweeps = result.GetValue(sweep) ?? [];
            var pruneRule = result.GetValue(prune);
            if (result.GetValue(planOption) is { } planned)
            {
                if (sweeps.Length > 0 || result.GetValue(search) is not null || pruneRule is not null || result.GetValue(planOnly) || result.GetValue(promoteBest))
                {
                    throw new ConfigException("--plan: a planned sweep's member is built from the plan alone; give no --sweep, --search, --prune, --plan-only or --promote-best with it");
                }

                return SweepRemote.BuildMember(result, planned, result.GetValue(member));
            }

            if (result.GetValue(member) is not null)
            {
                throw new ConfigException("--member needs the --plan of the sweep (its plan.json or its id), as written by --plan-only");
            }

            var plan = Plan(result, sweeps, result.GetValue(search), result.GetValue(seed), result.GetValue(maxRuns), result.GetValue(jobs), pruneRule, result.GetValue(target));
            if (result.GetValue(planOnly))
            {
                return SweepRemote.PlanOnly(result, plan);
            }

            return SweepRunner.For(result, plan).Run(result.GetValue(promoteBest));
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
        // Swept or set by --set (to fit the cores of the machines that build the members), it is the user's.
        var threadsKey = definition.ThreadsKey is { } key && !keys.Contains(key, StringComparer.OrdinalIgnoreCase)
            && !baseOverrides.Any(o => o.StartsWith(key + "=", StringComparison.OrdinalIgnoreCase)) ? key : null;
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
        var recipe = ContentHash.OfText(File.ReadAllText(configFile));
        var id = "sw-" + CanonicalJson.Hash(new
        {
            pipeline = definition.Name,
            config,
            recipe,
            target = stage,
            prune,
            members = members.Select(m => m.Overrides),
        })[..10];
        return new SweepPlan
        {
            Id = id,
            Pipeline = definition.Name,
            Config = config,
            Recipe = recipe,
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
