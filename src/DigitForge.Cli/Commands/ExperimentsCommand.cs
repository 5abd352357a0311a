using System.CommandLine;
using System.Globalization;
using DigitForge.Engine.Config;
using DigitForge.Engine.History;
using DigitForge.Engine.Storage;
using DigitForge.Engine.Sweeps;
using DigitForge.Engine.Text;
using Newtonsoft.Json;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge experiments</c>: the pipeline's recorded runs side by side, with the parameters
/// that differ between them and their metrics; <c>diff</c> two runs (or the runs that made two model
/// versions); <c>plot</c> two versions' training curves over each other.
/// </summary>
public static class ExperimentsCommand
{
    public static Command Create()
    {
        var sort = new Option<string?>("--sort") { Description = "Order by a metric or parameter, largest first; KEY:asc for smallest first (e.g. mae:asc). Default: oldest first." };
        var filter = new Option<string[]>("--filter")
        {
            Description = "Only runs whose parameter (train.epochs), metric or field (target, user, host, commit) equals the value, e.g. train.epochs=3 (repeatable; all must hold).",
            AllowMultipleArgumentsPerToken = false,
        };
        var json = new Option<bool>("--json") { Description = "Machine-readable output." };
        var allParams = new Option<bool>("--all-params") { Description = "Every parameter, not only those that differ between the runs listed." };
        var sweep = new Option<string?>("--sweep") { Description = "One row per member of this sweep (its id, as digitforge sweep printed it): swept values, state, metrics, time, the best marked." };
        var command = new Command("experiments", "List recorded runs with the parameters that differ between them and their metrics.") { sort, filter, json, allParams, sweep };
        command.SetAction(result => Guarded.Run(() =>
        {
            if (result.GetValue(sweep) is { } id)
            {
                return Sweep(result, id, result.GetValue(json));
            }

            var experiments = Experiments.Load(RunRecorder.History(result), Console.Error);
            var runs = experiments.Filter(result.GetValue(filter) ?? []);
            runs = Experiments.Sort(runs, result.GetValue(sort));
            var keys = result.GetValue(allParams)
                ? [.. runs.SelectMany(r => r.Params.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]
                : RunParameters.Differing([.. runs.Select(r => r.Params)]);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonConvert.SerializeObject(runs.Select(r => Json(r, keys)), JsonFile.Settings));
            }
            else if (runs.Count == 0)
            {
                Console.WriteLine($"no runs recorded in {experiments.History.FilePath}{(experiments.Runs.Count > 0 ? " match the filter" : " yet; every build records one")}");
            }
            else
            {
                Print(runs, keys);
            }

            return ExitCodes.Success;
        }));
        command.Subcommands.Add(ExperimentsDiff.Create());
        command.Subcommands.Add(ExperimentsPlot.Create());
        return command;
    }

    private static int Sweep(ParseResult result, string id, bool json)
    {
        var planFile = Path.Combine(CommonOptions.Paths(result).Home, "sweeps", id, SweepPlan.FileName);
        if (RunId.IsValid(id))
        {
            // Members built on other machines left their runs in the remote.
            SweepRemote.Merge(id, planFile, RunRecorder.History(result), Console.Error);
        }

        if (!RunId.IsValid(id) || !File.Exists(planFile))
        {
            throw new ConfigException($"--sweep={id}: no such sweep ({planFile} is missing)");
        }

        var plan = SweepPlan.Read(planFile);
        var experiments = Experiments.Load(RunRecorder.History(result), Console.Error);
        var rows = SweepResults.Rows(plan, [.. experiments.Runs.Select(r => r.Run)], CommonOptions.Definition(result).HeadlineMetric);
        if (json)
        {
            Console.WriteLine(JsonConvert.SerializeObject(SweepResults.Json(rows), JsonFile.Settings));
            return ExitCodes.Success;
        }

        foreach (var line in SweepResults.Table(plan, rows))
        {
            Console.WriteLine(line);
        }

        return ExitCodes.Success;
    }

    private static void Print(IReadOnlyList<Experiment> runs, IReadOnlyList<string> keys)
    {
        var metrics = runs.SelectMany(r => r.Run.Metrics.Keys).Distinct(StringComparer.Ordinal).ToList();
        string[] header = ["run", "started (UTC)", "target", "state", "commit", .. keys, .. metrics];
        var rows = runs.Select(r => (string[])
        [
            r.Run.Id,
            r.Run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            r.Run.Target ?? "-",
            r.Run.Finished ? "finished" : r.Run.State ?? "unfinished",
            Commit(r.Run.Git),
            .. keys.Select(k => r.Params.GetValueOrDefault(k) ?? "-"),
            .. metrics.Select(m => r.Run.Metrics.TryGetValue(m, out var v) ? Format(v) : "-"),
        ]).ToList();
        foreach (var line in TextTable.Render(header, rows))
        {
            Console.WriteLine(line);
        }
    }

    internal static string Commit(GitState? git) => git is null ? "-" : git.Commit[..Math.Min(7, git.Commit.Length)] + (git.Dirty ? "+dirty" : string.Empty);

    internal static string Format(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static object Json(Experiment experiment, IReadOnlyList<string> keys)
    {
        var run = experiment.Run;
        return new
        {
            run.Id,
            run.StartedAt,
            run.FinishedAt,
            run.Finished,
            run.User,
            run.Host,
            run.Git,
            run.Pipeline,
            run.Target,
            run.Config,
            run.Overrides,
            run.ConfigHash,
            Params = keys.Where(experiment.Params.ContainsKey).ToDictionary(k => k, k => experiment.Params[k]),
            run.Metrics,
            run.Stages,
        };
    }
}

/// <summary>A recorded run with its flattened config.</summary>
public sealed record Experiment(RunRecord Run, IReadOnlyDictionary<string, string> Params);

/// <summary>The pipeline's recorded runs, each with its parameters, as the experiments verbs read them.</summary>
public sealed class Experiments
{
    private static readonly string[] Fields = ["target", "user", "host", "commit"];

    private Experiments(RunHistory history, IReadOnlyList<Experiment> runs)
    {
        History = history;
        Runs = runs;
    }

    public RunHistory History { get; }

    public IReadOnlyList<Experiment> Runs { get; }

    /// <summary>Reads the history; torn lines and missing configs are written to <paramref name="warnings"/>, not fatal.</summary>
    public static Experiments Load(RunHistory history, TextWriter warnings)
    {
        var problems = new List<string>();
        var configs = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        var runs = history.Runs(problems)
            .Select(run =>
            {
                if (!configs.TryGetValue(run.ConfigHash, out var flat))
                {
                    flat = ConfigFlattener.Flatten(history.ReadConfig(run.ConfigHash, problems));
                    configs[run.ConfigHash] = flat;
                }

                return new Experiment(run, flat);
            })
            .ToList();
        foreach (var problem in problems)
        {
            warnings.WriteLine($"warning: {problem}");
        }

        return new Experiments(history, runs);
    }

    /// <summary>Runs meeting every KEY=VALUE; a key no run knows is an error naming what is known.</summary>
    public IReadOnlyList<Experiment> Filter(IReadOnlyList<string> filters)
    {
        var runs = Runs;
        foreach (var filter in filters)
        {
            var equals = filter.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ConfigException($"--filter '{filter}': expected KEY=VALUE, e.g. train.epochs=3");
            }

            var (key, value) = (filter[..equals].Trim(), filter[(equals + 1)..].Trim());
            if (!Fields.Contains(key) && !Runs.Any(r => r.Params.ContainsKey(key) || r.Run.Metrics.ContainsKey(key)))
            {
                var parameters = Runs.SelectMany(r => r.Params.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
                var metrics = Runs.SelectMany(r => r.Run.Metrics.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
                throw new ConfigException(
                    $"--filter '{filter}': no recorded run has a parameter, metric or field named '{key}'; fields are {string.Join(", ", Fields)}; "
                    + $"metrics are {(metrics.Count == 0 ? "none yet" : string.Join(", ", metrics))}; parameters are {(parameters.Count == 0 ? "none yet" : string.Join(", ", parameters))}");
            }

            runs = [.. runs.Where(r => Matches(r, key, value))];
        }

        return runs;
    }

    /// <summary>By a metric or parameter, largest first (KEY:asc smallest first); runs without it last.</summary>
    public static IReadOnlyList<Experiment> Sort(IReadOnlyList<Experiment> runs, string? sort)
    {
        if (string.IsNullOrWhiteSpace(sort))
        {
            return runs;
        }

        var ascending = sort.EndsWith(":asc", StringComparison.OrdinalIgnoreCase);
        var key = sort.EndsWith(":asc", StringComparison.OrdinalIgnoreCase) || sort.EndsWith(":desc", StringComparison.OrdinalIgnoreCase)
            ? sort[..sort.LastIndexOf(':')]
            : sort;
        if (!runs.Any(r => r.Run.Metrics.ContainsKey(key) || r.Params.ContainsKey(key)))
        {
            throw new ConfigException($"--sort '{sort}': none of the runs listed has a metric or parameter named '{key}'");
        }

        var comparer = Comparer<Experiment>.Create((a, b) => Compare(SortValue(a, key), SortValue(b, key)));
        var present = runs.Where(r => SortValue(r, key) is not null);
        var ordered = ascending ? present.Order(comparer) : present.OrderDescending(comparer);
        return [.. ordered, .. runs.Where(r => SortValue(r, key) is null)];
    }

    /// <summary>A run named by its id (or a unique start of it), or the run that stored a model version (7, v7, v0007-3fa2c1d).</summary>
    public Experiment Find(string reference, Func<string, string?> runOfVersion)
    {
        if (Runs.FirstOrDefault(r => r.Run.Id == reference) is { } exact)
        {
            return exact;
        }

        if (runOfVersion(reference) is { } id)
        {
            return Runs.FirstOrDefault(r => r.Run.Id == id)
                ?? throw new ConfigException($"{reference} was made by run {id}, which is not in {History.FilePath}");
        }

        var started = Runs.Where(r => r.Run.Id.StartsWith(reference, StringComparison.Ordinal)).ToList();
        return started.Count switch
        {
            1 => started[0],
            0 => throw new ConfigException($"'{reference}' is neither a run in {History.FilePath} nor a model version; runs are: {Describe()}"),
            _ => throw new ConfigException($"'{reference}' starts {started.Count} run ids ({string.Join(", ", started.Select(r => r.Run.Id))}); give more of it"),
        };
    }

    private string Describe() => Runs.Count == 0 ? "none yet" : string.Join(", ", Runs.TakeLast(10).Select(r => r.Run.Id)) + (Runs.Count > 10 ? " (the last 10)" : string.Empty);

    private static bool Matches(Experiment run, string key, string value) => key switch
    {
        "target" => string.Equals(run.Run.Target, value, StringComparison.OrdinalIgnoreCase),
        "user" => run.Run.User == value,
        "host" => run.Run.Host == value,
        "commit" => value.Length > 0 && run.Run.Git?.Commit.StartsWith(value, StringComparison.OrdinalIgnoreCase) == true,
        _ when run.Run.Metrics.TryGetValue(key, out var metric) => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var wanted) && metric == wanted,
        _ => run.Params.TryGetValue(key, out var param) && SameValue(param, value),
    };

    // 3 matches 3.0 and 1e-3 matches 0.001: numbers compare as numbers, anything else as text.
    private static bool SameValue(string recorded, string wanted) =>
        double.TryParse(recorded, NumberStyles.Float, CultureInfo.InvariantCulture, out var a) && double.TryParse(wanted, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
            ? a == b
            : string.Equals(recorded, wanted, StringComparison.Ordinal);

    private static object? SortValue(Experiment run, string key) =>
        run.Run.Metrics.TryGetValue(key, out var metric) ? metric
        : run.Params.GetValueOrDefault(key) is { } param ? double.TryParse(param, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : param
        : null;

    private static int Compare(object? a, object? b) => (a, b) switch
    {
        (double x, double y) => x.CompareTo(y),
        (double, _) => -1,
        (_, double) => 1,
        _ => string.CompareOrdinal(a as string, b as string),
    };
}
