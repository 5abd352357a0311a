using System.CommandLine;
using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Records;
using DigitForge.Engine.Storage;
using DigitForge.Engine.Sweeps;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using DigitForge.Reporting.Dashboard;
using DigitForge.Remote;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace DigitForge.Cli.Commands;

/// <summary>
/// <c>digitforge dashboard [--out FILE]</c>: one self-contained HTML page with the stage graph and
/// statuses, the run history and the model registry. Read-only: it restores nothing, takes no lock
/// and records no run, so it can be made while a build runs.
/// </summary>
public static class DashboardCommand
{
    public const string FileName = "dashboard.html";

    public static Command Create()
    {
        var output = new Option<string?>("--out") { Description = $"The page to write (default: artifacts/<pipeline>/reports/{FileName})." };
        var at = new Option<DateTimeOffset?>("--at") { Description = "Show live performance as of this time (ISO 8601; default now), as digitforge monitor --at does." };
        var command = new Command("dashboard", "Write one offline HTML page with the pipeline's stage statuses, run history and model registry.") { output, at };
        command.SetAction(result => Guarded.Run(() =>
        {
            var (file, data) = Write(result, result.GetValue(output), result.GetValue(at) ?? DateTimeOffset.UtcNow);
            Console.WriteLine($"wrote {file}: {data.Stages.Count(s => s.UpToDate)} of {data.Stages.Count} stages up to date, {data.Runs.Count} run(s), {data.Versions.Count} model version(s)");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>Reads the records and writes the page to <paramref name="output"/> (relative to --root) or the default place.</summary>
    /// <param name="liveAt">The time live performance is reported as of.</param>
    public static (string File, DashboardData Data) Write(ParseResult result, string? output, DateTimeOffset liveAt)
    {
        var paths = CommonOptions.Paths(result);
        var file = output is null ? Path.Combine(paths.Reports, FileName) : Path.GetFullPath(output, paths.Root);
        var data = Collect(result, paths, Path.GetDirectoryName(file)!, liveAt);
        AtomicFile.WriteAllText(file, DashboardPage.Render(data));
        return (file, data);
    }

    private static DashboardData Collect(ParseResult result, PipelinePaths paths, string pageFolder, DateTimeOffset liveAt)
    {
        var definition = CommonOptions.Definition(result);
        var graph = CommonOptions.Graph(result, useStageCache: false);
        var warnings = new List<string>();
        var history = RunRecorder.History(result);
        var runs = history.Runs(warnings);

        var statuses = graph.StatusAll();
        var stages = statuses.Select(status =>
        {
            var record = graph.Store.TryRead(status.Stage, out _);
            // The last run that produced these very outputs (ran or restored them; later runs only skip) says whether they came from the stage cache.
            var restoredBy = runs
                .SelectMany(r => r.Stages.Where(s => s.Stage == status.Stage && s.Fingerprint == record?.Fingerprint && s.Outcome != StageOutcome.Skipped)
                    .Select(s => s.Outcome == StageOutcome.Restored ? r.Id : null))
                .LastOrDefault();
            return new DashboardStage(status.Stage, status.UpToDate, status.Describe(), record, restoredBy);
        }).ToList();

        return new DashboardData(
            definition.Name,
            DateTimeOffset.UtcNow,
            GraphText.Svg(graph, statuses.ToDictionary(s => s.Stage, StringComparer.OrdinalIgnoreCase)),
            stages,
            runs,
            history.FilePath,
            definition.HeadlineMetric,
            definition.PublishingStage is null ? [] : Versions(RegistrySettings.Open(paths.Models, definition.Name), paths, pageFolder, warnings),
            warnings,
            Live(result, definition, paths, liveAt),
            Sweeps(definition, paths, runs, warnings));
    }

    private const int SweepsShown = 5;

    // The latest sweeps' members as the history has them, newest first.
    private static List<DashboardSweep> Sweeps(IPipelineDefinition definition, PipelinePaths paths, IReadOnlyList<RunRecord> runs, List<string> warnings)
    {
        var folder = new DirectoryInfo(Path.Combine(paths.Home, "sweeps"));
        if (!folder.Exists)
        {
            return [];
        }

        var sweeps = new List<DashboardSweep>();
        foreach (var file in folder.EnumerateFiles(SweepPlan.FileName, SearchOption.AllDirectories).OrderByDescending(f => f.LastWriteTimeUtc).Take(SweepsShown))
        {
            try
            {
                var plan = SweepPlan.Read(file.FullName);
                var rows = SweepResults.Rows(plan, runs, definition.HeadlineMetric);
                sweeps.Add(new DashboardSweep(plan.Id, plan.Keys, [.. rows.Select(r => new DashboardSweepMember(
                    r.Member.Name,
                    r.Member.Values,
                    r.State,
                    definition.HeadlineMetric is { } metric && r.Metrics.TryGetValue(metric.Name, out var value) ? value : null,
                    r.Run?.Curve ?? [],
                    r.Best))]));
            }
            catch (InvalidDataException ex)
            {
                warnings.Add(ex.Message);
            }
        }

        return sweeps;
    }

    // Only where predictions are logged: the dashboard reads, it does not create a database.
    private static Monitoring.Reporting.MonitorReport? Live(ParseResult result, IPipelineDefinition definition, PipelinePaths paths, DateTimeOffset at) =>
        definition is Monitoring.IMonitoredPipeline monitored
            && (File.Exists(Path.Combine(paths.Home, Monitoring.Store.MonitorStores.FileName)) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Monitoring.Store.MonitorStores.Variable)))
            ? MonitorCommand.Report(result, monitored, at)
            : null;

    // Whichever registry DIGITFORGE_REGISTRY configures, as `digitforge models` reads it.
    private static List<DashboardVersion> Versions(ModelRegistry registry, PipelinePaths paths, string pageFolder, List<string> warnings)
    {
        var serializer = JsonSerializer.Create(JsonFile.Settings);
        return [.. registry.List().Select(entry =>
        {
            var report = VersionReport.PathOf(paths.Reports, entry.Name);
            var link = File.Exists(report) ? string.Join('/', Path.GetRelativePath(pageFolder, report).Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString)) : null;
            if (entry.Stage == ModelStage.Deleted)
            {
                return new DashboardVersion(entry, [], "files deleted; the registry keeps its record", null, link);
            }

            if (registry.Store is not ModelStore store)
            {
                // A remote store's Get downloads the whole version: the page only reads.
                return new DashboardVersion(entry, [], $"in the remote registry {registry.Store.Location}: digitforge models show {entry.Version} fetches it", null, link);
            }

            try
            {
                var manifest = store.ReadManifest(store.Get(entry.Version));
                var lineage = manifest.Details["stages"] is JObject recorded
                    ? recorded.Properties().Select(p => KeyValuePair.Create(p.Name, p.Value.ToObject<StageLineage>(serializer)!)).ToList()
                    : [];
                return new DashboardVersion(entry, lineage, lineage.Count == 0 ? $"{ModelManifest.FileName} records no stages" : null, manifest.RunId, link);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or JsonException or RegistryException)
            {
                // One damaged version must not hide the others: the page says what is wrong with it.
                warnings.Add($"{entry.Name}: {ex.Message}");
                return new DashboardVersion(entry, [], $"lineage unreadable: {ex.Message}", null, link);
            }
        })];
    }
}
