using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Records;
using DigitForge.Registry;

namespace DigitForge.Reporting.Dashboard;

/// <summary>One stage as the dashboard shows it: its status now and its last run.</summary>
/// <param name="Status">"up to date (fingerprint)" or "stale: reasons".</param>
/// <param name="LastRun">The stage's lock record; null: never built.</param>
/// <param name="RestoredBy">The run that last brought these very outputs from the stage cache, if one did.</param>
public sealed record DashboardStage(string Name, bool UpToDate, string Status, StageRecord? LastRun, string? RestoredBy);

/// <summary>One registered model version with what made it.</summary>
/// <param name="Lineage">Each stage behind it, data first, as its manifest recorded them; empty when unknown.</param>
/// <param name="LineageProblem">Why the lineage is missing (deleted files, unreadable manifest), if it is.</param>
/// <param name="RunId">The run that stored it, from its manifest.</param>
/// <param name="ReportLink">Its evaluation report, relative to the dashboard file; null when there is none.</param>
public sealed record DashboardVersion(
    RegistryEntry Entry,
    IReadOnlyList<KeyValuePair<string, StageLineage>> Lineage,
    string? LineageProblem,
    string? RunId,
    string? ReportLink);

/// <summary>One sweep member as the dashboard plots it.</summary>
/// <param name="Values">Its swept keys' values, as given.</param>
/// <param name="State">done, <c>pruned at epoch k</c>, failed ..., unfinished or pending.</param>
/// <param name="Metric">The headline metric, for a done member.</param>
/// <param name="Curve">Its validation figure per epoch, as its training reported it.</param>
public sealed record DashboardSweepMember(string Name, IReadOnlyDictionary<string, string> Values, string State, double? Metric, IReadOnlyList<double> Curve, bool Best);

/// <summary>A sweep: its swept keys and members.</summary>
public sealed record DashboardSweep(string Id, IReadOnlyList<string> Keys, IReadOnlyList<DashboardSweepMember> Members);

/// <summary>Everything the dashboard page shows, read beforehand; the page itself reads no file.</summary>
/// <param name="GraphSvg">The stage graph with each stage's status, as inline SVG.</param>
/// <param name="HeadlineMetric">The metric plotted over time (accuracy, mae) and its domain; null: no plot.</param>
/// <param name="HistoryFile">Where the runs were read from, for the "no runs yet" message.</param>
/// <param name="Warnings">Lines of the history or registry that could not be read.</param>
/// <param name="Live">The live performance from the prediction log (<c>digitforge monitor</c>'s report); null: nothing logged.</param>
/// <param name="Sweeps">The latest sweeps, newest first; null: none.</param>
public sealed record DashboardData(
    string Pipeline,
    DateTimeOffset CreatedAt,
    string GraphSvg,
    IReadOnlyList<DashboardStage> Stages,
    IReadOnlyList<RunRecord> Runs,
    string HistoryFile,
    MetricSpec? HeadlineMetric,
    IReadOnlyList<DashboardVersion> Versions,
    IReadOnlyList<string> Warnings,
    Monitoring.Reporting.MonitorReport? Live = null,
    IReadOnlyList<DashboardSweep>? Sweeps = null);
