using System.CommandLine;
using DigitForge.Engine.Config;
using DigitForge.Engine.History;
using DigitForge.Engine.Storage;
using DigitForge.Engine.Text;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using Newtonsoft.Json;

namespace DigitForge.Cli.Commands;

/// <summary><c>digitforge experiments diff A B</c>: the parameters that changed from run A to run B, and every metric with its change.</summary>
public static class ExperimentsDiff
{
    public static Command Create()
    {
        var a = new Argument<string>("a") { Description = "A run id (or its unique start), or a model version (7, v7, v0007-3fa2c1d): the run that stored it." };
        var b = new Argument<string>("b") { Description = "The run to compare with A, named the same ways." };
        var json = new Option<bool>("--json") { Description = "Machine-readable output." };
        var command = new Command("diff", "Show which parameters changed between two runs (old -> new) and how their metrics moved.") { a, b, json };
        command.SetAction(result => Guarded.Run(() =>
        {
            var experiments = Experiments.Load(RunRecorder.History(result), Console.Error);
            var (store, registry) = Open(result);
            var first = experiments.Find(result.GetValue(a)!, reference => RunOfVersion(store, registry, reference));
            var second = experiments.Find(result.GetValue(b)!, reference => RunOfVersion(store, registry, reference));
            var diff = RunDiff.Between(first.Run.Id, first.Params, first.Run.Metrics, second.Run.Id, second.Params, second.Run.Metrics);
            if (result.GetValue(json))
            {
                Console.WriteLine(JsonConvert.SerializeObject(diff, JsonFile.Settings));
                return ExitCodes.Success;
            }

            Console.WriteLine($"A  {Describe(first.Run)}");
            Console.WriteLine($"B  {Describe(second.Run)}");
            Console.WriteLine();
            if (diff.Parameters.Count == 0)
            {
                Console.WriteLine("parameters: the same recipe");
            }
            else
            {
                Console.WriteLine($"parameters changed (A -> B): {diff.Parameters.Count}");
                foreach (var change in diff.Parameters)
                {
                    Console.WriteLine($"  {change.Key}: {change.Old ?? "(absent)"} -> {change.New ?? "(absent)"}");
                }
            }

            Console.WriteLine();
            if (diff.Metrics.Count == 0)
            {
                Console.WriteLine("metrics: neither run measured any");
                return ExitCodes.Success;
            }

            var rows = diff.Metrics.Select(m => new[]
            {
                m.Name,
                m.Old is { } old ? ExperimentsCommand.Format(old) : "-",
                m.New is { } now ? ExperimentsCommand.Format(now) : "-",
                m.Delta is { } delta ? (delta >= 0 ? "+" : string.Empty) + ExperimentsCommand.Format(delta) : "-",
            }).ToList();
            foreach (var line in TextTable.Render(["metric", "A", "B", "B - A"], rows))
            {
                Console.WriteLine(line);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    internal static (ModelStore Store, ModelRegistry Registry) Open(ParseResult result)
    {
        var store = new ModelStore(CommonOptions.Paths(result).Models);
        return (store, new ModelRegistry(store));
    }

    /// <summary>The run that stored the version <paramref name="reference"/> names; null when it does not name a version.</summary>
    internal static string? RunOfVersion(ModelStore store, ModelRegistry registry, string reference)
    {
        if (!ModelReference.TryParse(reference, out var version))
        {
            return null;
        }

        try
        {
            var entry = registry.GetStored(version.Resolve(registry));
            return store.ReadManifest(store.Get(entry.Version)).RunId
                ?? throw new ConfigException($"{entry.Name} was stored before builds recorded their runs: its {ModelManifest.FileName} names no run");
        }
        catch (RegistryException ex)
        {
            // A version that is not there is a wrong argument, like an unknown run.
            throw new ConfigException(ex.Message);
        }
    }

    private static string Describe(RunRecord run) =>
        $"{run.Id}  {run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC  target {run.Target ?? "-"}  commit {ExperimentsCommand.Commit(run.Git)}  "
        + $"{run.User}@{run.Host}{(run.Overrides.Count > 0 ? "  --set " + string.Join(" --set ", run.Overrides) : string.Empty)}";
}
