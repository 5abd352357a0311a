using System.Globalization;
using System.Net;
using System.Text;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Registry;
using DigitForge.Reporting.Plots;
using ScottPlot;

namespace DigitForge.Reporting.Dashboard;

/// <summary>
/// The pipeline's dashboard as one self-contained HTML page: the stage graph with statuses, the run
/// history with its headline metric over time, and the model registry with lineage and report links.
/// Inline SVG and CSS only, no script, so it opens offline. Every figure and row carries data
/// attributes (data-stage, data-run, data-metric, data-version) so checks can compare the page with the records.
/// </summary>
public static class DashboardPage
{
    public const int PlotWidth = 900;
    public const int PlotHeight = 360;

    public static string Render(DashboardData data)
    {
        var html = new StringBuilder();
        void Line(FormattableString text) => html.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Line($"<!DOCTYPE html>");
        Line($"<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(data.Pipeline)}: DigitForge dashboard</title>");
        Line($"<style>body{{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1300px;color:#222;padding:0 1rem}}table{{border-collapse:collapse;font-size:.9rem}}td,th{{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}}th{{background:#f3f3f3}}td.num{{text-align:right;font-variant-numeric:tabular-nums}}.ok{{color:#126b2f}}.bad{{color:#a11}}.empty{{color:#666;font-style:italic}}.small{{font-size:.8rem;color:#555}}ul.events,ul.lineage{{margin:0;padding-left:1.1rem}}figure{{margin:1rem 0}}code{{font-size:.85rem}}</style>");
        Line($"</head><body data-pipeline=\"{E(data.Pipeline)}\">");
        Line($"<h1>DigitForge dashboard: {E(data.Pipeline)}</h1>");
        Line($"<p class=\"small\">Made {data.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC by <code>digitforge dashboard</code>; it shows the files as they were then.</p>");

        Stages(data, html);
        Runs(data, html);
        Sweeps(data, html);
        Versions(data, html);
        if (data.Live is { } live)
        {
            Live(live, data.Versions, html);
        }

        if (data.Warnings.Count > 0)
        {
            Line($"<h2>Warnings</h2><ul class=\"warnings\">");
            foreach (var warning in data.Warnings)
            {
                Line($"<li>{E(warning)}</li>");
            }

            Line($"</ul>");
        }

        Line($"</body></html>");
        return html.ToString();
    }

    private static void Stages(DashboardData data, StringBuilder html)
    {
        void Line(FormattableString text) => html.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Line($"<h2>Pipeline</h2>");
        Line($"<figure class=\"graph\">");
        html.Append(data.GraphSvg).Append('\n');
        Line($"</figure>");
        Line($"<table class=\"stages\"><tr><th>stage</th><th>status</th><th>last run (UTC)</th><th>took</th><th>from the stage cache</th></tr>");
        foreach (var stage in data.Stages)
        {
            var last = stage.LastRun;
            var state = stage.UpToDate ? "up to date" : "stale";
            Line($"<tr data-stage=\"{E(stage.Name)}\" data-status=\"{state}\" data-fingerprint=\"{E(last?.Fingerprint ?? string.Empty)}\" data-seconds=\"{last?.Seconds.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty}\" data-restored=\"{(stage.RestoredBy is null ? "false" : "true")}\">");
            Line($"<td>{E(stage.Name)}</td><td class=\"{(stage.UpToDate ? "ok" : "bad")}\">{E(stage.Status)}</td>");
            Line($"<td>{(last is null ? "never built" : last.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))}</td><td class=\"num\">{(last is null ? "-" : Seconds(last.Seconds))}</td>");
            Line($"<td>{(stage.RestoredBy is { } run ? $"restored (run <code>{E(run)}</code>)" : "no")}</td></tr>");
        }

        Line($"</table>");
    }

    private static void Runs(DashboardData data, StringBuilder html)
    {
        void Line(FormattableString text) => html.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Line($"<h2>Runs</h2>");
        if (data.Runs.Count == 0)
        {
            Line($"<p class=\"empty\" id=\"no-runs\">No runs yet: every build records one in {E(data.HistoryFile)}.</p>");
            return;
        }

        var rows = RunRow.Fold(data.Runs);
        if (data.HeadlineMetric is { } metric)
        {
            MetricPlot(rows, metric, html);
        }

        var metrics = rows.SelectMany(r => r.Run.Metrics.Keys).Distinct(StringComparer.Ordinal).ToList();
        Line($"<table class=\"runs\"><tr><th>run</th><th>started (UTC)</th><th>by</th><th>commit</th><th>target</th><th>overrides</th><th>stages</th>");
        foreach (var name in metrics)
        {
            Line($"<th>{E(name)}</th>");
        }

        Line($"</tr>");

        // Newest first: the latest build is what one looks for.
        foreach (var (run, repeats) in rows.Reverse())
        {
            Line($"<tr data-run=\"{E(run.Id)}\" data-finished=\"{(run.Finished ? "true" : "false")}\" data-repeats=\"{E(string.Join(' ', repeats.Select(r => r.Id)))}\">");
            Line($"<td><code>{E(run.Id)}</code>{(run.Finished ? string.Empty : " <span class=\"bad\">(unfinished)</span>")}{NoOps(repeats)}</td>");
            Line($"<td>{run.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td><td>{E(run.User)}@{E(run.Host)}</td>");
            Line($"<td>{(run.Git is null ? "-" : $"<code>{E(run.Git.Commit[..Math.Min(7, run.Git.Commit.Length)])}</code>{(run.Git.Dirty ? " +dirty" : string.Empty)}")}</td>");
            Line($"<td>{E(run.Target ?? "-")}</td><td>{(run.Overrides.Count == 0 ? "-" : string.Join("<br>", run.Overrides.Select(o => $"<code>{E(o)}</code>")))}</td>");
            Line($"<td>{string.Join("<br>", run.Stages.Select(s => $"<span data-stage=\"{E(s.Stage)}\" data-outcome=\"{Outcome(s.Outcome)}\" title=\"{E(s.Why)}\">{E(s.Stage)} {Outcome(s.Outcome)}{(s.Outcome == StageOutcome.Ran ? " " + Seconds(s.Seconds) : string.Empty)}</span>"))}</td>");
            foreach (var name in metrics)
            {
                Line($"{(run.Metrics.TryGetValue(name, out var value) ? $"<td class=\"num\" data-metric=\"{E(name)}\" data-value=\"{value.ToString("R", CultureInfo.InvariantCulture)}\">{value.ToString("0.0000", CultureInfo.InvariantCulture)}</td>" : "<td>-</td>")}");
            }

            Line($"</tr>");
        }

        Line($"</table>");
    }

    // The builds folded into a row, as a count and the last one's start: their ids are in the row's data-repeats.
    private static string NoOps(IReadOnlyList<RunRecord> repeats) =>
        repeats.Count == 0
            ? string.Empty
            : string.Create(
                CultureInfo.InvariantCulture,
                $"<br><span class=\"small noops\" data-count=\"{repeats.Count}\">+ {repeats.Count} no-op build{(repeats.Count == 1 ? string.Empty : "s")}, last {repeats[^1].StartedAt.UtcDateTime:yyyy-MM-dd HH:mm}</span>");

    // The headline metric of each row whose run measured it, oldest first, drawn by ScottPlot as inline SVG.
    private static void MetricPlot(IReadOnlyList<RunRow> rows, MetricSpec metric, StringBuilder html)
    {
        var points = rows.Select(r => r.Run).Where(r => r.Metrics.ContainsKey(metric.Name)).ToList();
        if (points.Count == 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"empty\" id=\"no-metric\">No run has measured {E(metric.Name)} yet.</p>\n");
            return;
        }

        var xs = points.Select(r => r.StartedAt.UtcDateTime.ToOADate()).ToArray();
        var ys = points.Select(r => r.Metrics[metric.Name]).ToArray();
        var plot = new Plot();
        var scatter = plot.Add.Scatter(xs, ys);
        scatter.MarkerSize = 8;
        plot.Axes.DateTimeTicksBottom();
        // Times are in days; one run alone gets an hour either side.
        var (x, y) = (AxisFit.Range(xs, flat: 1.0 / 24), AxisFit.Range(ys, metric.Min, metric.Max));
        plot.Axes.SetLimits(x.Min, x.Max, y.Min, y.Max);
        plot.Title($"{metric.Name} per run");
        plot.XLabel("run start (UTC)");
        plot.YLabel(metric.Name);
        var svg = plot.GetSvgXml(PlotWidth, PlotHeight);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        var ids = string.Join(' ', points.Select(r => r.Id));
        var values = string.Join(' ', ys.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        html.Append(CultureInfo.InvariantCulture, $"<figure class=\"metric-plot\" data-metric=\"{E(metric.Name)}\" data-runs=\"{E(ids)}\" data-values=\"{values}\">\n");
        html.Append(start < 0 ? svg : svg[start..]).Append('\n');
        html.Append(CultureInfo.InvariantCulture, $"<figcaption>{E(metric.Name)} of each run that measured it ({points.Count}), by start time; no-op builds are folded into the run they repeated</figcaption></figure>\n");
    }

    // Per sweep: the headline metric against each swept knob (done members; the best ringed), and every member's validation curve overlaid (pruned ones end early).
    private static void Sweeps(DashboardData data, StringBuilder html)
    {
        if (data.Sweeps is not { Count: > 0 } sweeps)
        {
            return;
        }

        html.Append("<h2>Sweeps</h2>\n");
        foreach (var sweep in sweeps)
        {
            var done = sweep.Members.Where(m => m.Metric is not null).ToList();
            html.Append(CultureInfo.InvariantCulture, $"<h3 data-sweep=\"{E(sweep.Id)}\"><code>{E(sweep.Id)}</code>: {sweep.Members.Count} members, {done.Count} done, {sweep.Members.Count(m => m.State.StartsWith("pruned", StringComparison.Ordinal))} pruned</h3>\n");
            if (data.HeadlineMetric is { } metric && done.Count > 0)
            {
                foreach (var key in sweep.Keys)
                {
                    Figure(html, "sweep-knob", $"data-sweep=\"{E(sweep.Id)}\" data-key=\"{E(key)}\"", KnobPlot(sweep, done, key, metric), $"{metric.Name} of each done member against {key}; the best is ringed");
                }
            }

            if (sweep.Members.Any(m => m.Curve.Count > 0))
            {
                Figure(html, "sweep-curves", $"data-sweep=\"{E(sweep.Id)}\" data-members=\"{E(string.Join(' ', sweep.Members.Where(m => m.Curve.Count > 0).Select(m => m.Name)))}\"", CurvePlot(sweep), "each member's validation figure per epoch, as its training reported it; pruned members end where they were stopped");
            }
        }
    }

    private static Plot KnobPlot(DashboardSweep sweep, IReadOnlyList<DashboardSweepMember> done, string key, MetricSpec metric)
    {
        // Numbers on a numeric axis (log when the values span more than a decade); anything else in order of first appearance.
        var numbers = done.Select(m => double.TryParse(m.Values.GetValueOrDefault(key), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : (double?)null).ToList();
        var numeric = numbers.All(n => n is not null);
        var labels = done.Select(m => m.Values.GetValueOrDefault(key) ?? "-").Distinct().ToList();
        var log = numeric && numbers.All(n => n > 0) && numbers.Max() / numbers.Min() > 10;
        var xs = numeric ? numbers.Select(n => log ? Math.Log10(n!.Value) : n!.Value).ToArray() : done.Select(m => (double)labels.IndexOf(m.Values.GetValueOrDefault(key) ?? "-")).ToArray();
        var ys = done.Select(m => m.Metric!.Value).ToArray();
        var plot = new Plot();
        var scatter = plot.Add.ScatterPoints(xs, ys);
        scatter.MarkerSize = 8;
        if (done.ToList().FindIndex(m => m.Best) is var best and >= 0)
        {
            var ring = plot.Add.Marker(xs[best], ys[best]);
            ring.MarkerShape = MarkerShape.OpenCircle;
            ring.MarkerSize = 18;
        }

        if (!numeric)
        {
            plot.Axes.Bottom.SetTicks([.. labels.Select((_, i) => (double)i)], [.. labels]);
        }

        var y = AxisFit.Range(ys, metric.Min, metric.Max);
        var x = AxisFit.Range(xs, flat: 1);
        plot.Axes.SetLimits(x.Min, x.Max, y.Min, y.Max);
        plot.Title($"{sweep.Id}: {metric.Name} against {key}");
        plot.XLabel(log ? $"log10 {key}" : key);
        plot.YLabel(metric.Name);
        return plot;
    }

    private static Plot CurvePlot(DashboardSweep sweep)
    {
        var plot = new Plot();
        foreach (var member in sweep.Members.Where(m => m.Curve.Count > 0))
        {
            var line = plot.Add.Scatter(Enumerable.Range(1, member.Curve.Count).Select(e => (double)e).ToArray(), member.Curve.ToArray());
            line.LegendText = $"{member.Name}{(member.Best ? " (best)" : string.Empty)}{(member.State.StartsWith("pruned", StringComparison.Ordinal) ? " (pruned)" : string.Empty)}";
            line.LineWidth = member.Best ? 3 : 1;
        }

        plot.Title($"{sweep.Id}: validation per epoch");
        plot.XLabel("epoch");
        plot.YLabel("validation");
        plot.ShowLegend();
        return plot;
    }

    private static void Figure(StringBuilder html, string css, string data, Plot plot, string caption)
    {
        var svg = plot.GetSvgXml(PlotWidth, PlotHeight);
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        html.Append(CultureInfo.InvariantCulture, $"<figure class=\"{css}\" {data}>\n");
        html.Append(start < 0 ? svg : svg[start..]).Append('\n');
        html.Append(CultureInfo.InvariantCulture, $"<figcaption>{E(caption)}</figcaption></figure>\n");
    }

    /// <summary>The live metric of each version per day against the figure it was promoted with, promotions and rollbacks marked; then the day table.</summary>
    private static void Live(Monitoring.Reporting.MonitorReport live, IReadOnlyList<DashboardVersion> versions, StringBuilder html)
    {
        void Line(FormattableString text) => html.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');

        var regression = live.Predicts == Monitoring.PredictionKind.Regression;
        var metric = regression ? "live MAE" : "live accuracy";
        Line($"<h2>Live performance</h2>");
        Line($"<p class=\"small\">From the prediction log ({E(live.Store)}) and the outcomes joined to it; <code>digitforge monitor</code> judges it against the recipe's thresholds.</p>");
        var measured = live.Days.Where(d => (regression ? d.LiveMae : d.LiveAccuracy) is not null).ToList();
        if (measured.Count > 0)
        {
            var plot = new Plot();
            foreach (var version in measured.GroupBy(d => d.Version))
            {
                var xs = version.Select(d => Noon(d.Day)).ToArray();
                var line = plot.Add.Scatter(xs, [.. version.Select(d => (regression ? d.LiveMae : d.LiveAccuracy)!.Value)]);
                line.LegendText = $"{version.Key} {metric}";
                line.MarkerSize = 8;
                if (version.First().Promoted is { } promoted)
                {
                    var promotedLine = plot.Add.Scatter(new[] { xs.Min() - 0.5, xs.Max() + 0.5 }, new[] { promoted, promoted });
                    promotedLine.LegendText = $"{version.Key} promoted";
                    promotedLine.LinePattern = LinePattern.Dashed;
                    promotedLine.MarkerSize = 0;
                    promotedLine.Color = line.Color;
                }
            }

            var changes = new Monitoring.Reporting.ServingHistory([.. versions.Select(v => v.Entry)]).Changes;
            foreach (var (from, version, how) in changes)
            {
                var marker = plot.Add.VerticalLine(from.UtcDateTime.ToOADate());
                marker.Text = $"{how} {version?.Name ?? "none"}";
                marker.LinePattern = LinePattern.Dotted;
            }

            plot.Axes.DateTimeTicksBottom();
            var days = measured.Select(d => Noon(d.Day)).ToArray();
            var values = measured.SelectMany(d => new[] { (regression ? d.LiveMae : d.LiveAccuracy)!.Value, d.Promoted ?? double.NaN }).Where(double.IsFinite).ToArray();
            var (x, y) = (AxisFit.Range(days, flat: 1), AxisFit.Range(values, 0, regression ? double.PositiveInfinity : 1));
            plot.Axes.SetLimits(x.Min - 0.5, x.Max + 0.5, y.Min, y.Max);
            plot.Title($"{metric} per day against the promoted figure");
            plot.XLabel("day (UTC)");
            plot.YLabel(metric);
            plot.ShowLegend();
            var svg = plot.GetSvgXml(PlotWidth, PlotHeight);
            var start = svg.IndexOf("<svg", StringComparison.Ordinal);
            Line($"<figure class=\"live-plot\" data-metric=\"{E(metric)}\" data-changes=\"{changes.Count}\">");
            html.Append(start < 0 ? svg : svg[start..]).Append('\n');
            Line($"<figcaption>{E(metric)} of each version per day where outcomes exist (points), the figure it was promoted with (dashed), promotions and rollbacks (dotted)</figcaption></figure>");
        }
        else
        {
            Line($"<p class=\"empty\" id=\"no-outcomes\">No outcomes yet: <code>digitforge feedback</code> or <code>digitforge outcomes</code> records them.</p>");
        }

        Line($"<table class=\"live\"><tr><th>day</th><th>version</th><th>volume</th><th>outcomes</th><th>{E(metric)}</th><th>promoted</th><th>PSI</th></tr>");
        foreach (var day in live.Days)
        {
            var value = regression ? day.LiveMae : day.LiveAccuracy;
            Line($"<tr data-day=\"{day.Day:yyyy-MM-dd}\" data-version=\"{E(day.Version)}\" data-live=\"{value?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty}\" data-promoted=\"{day.Promoted?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty}\">");
            Line($"<td>{day.Day:yyyy-MM-dd}</td><td>{E(day.Version)}</td><td class=\"num\">{day.Volume}</td><td class=\"num\">{day.Outcomes}</td><td class=\"num\">{value?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-"}</td><td class=\"num\">{day.Promoted?.ToString("0.0000", CultureInfo.InvariantCulture) ?? "-"}</td><td class=\"num\">{day.Psi?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-"}</td></tr>");
        }

        Line($"</table>");
        foreach (var breach in live.Breaches)
        {
            Line($"<p class=\"bad\" data-breach=\"{E(breach.Threshold)}\">{E(breach.Message)}</p>");
        }
    }

    // A day's figure sits in the middle of its day, so a promotion marked at its time falls on the right side of it.
    private static double Noon(DateOnly day) => day.ToDateTime(new TimeOnly(12, 0)).ToOADate();

    private static void Versions(DashboardData data, StringBuilder html)
    {
        void Line(FormattableString text) => html.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Line($"<h2>Model registry</h2>");
        if (data.Versions.Count == 0)
        {
            Line($"<p class=\"empty\" id=\"no-versions\">No model versions registered yet: a build's Promote stage registers one.</p>");
            return;
        }

        Line($"<table class=\"registry\"><tr><th>version</th><th>stage</th><th>created (UTC)</th><th>metrics</th><th>gate decisions and events</th><th>lineage (data to model)</th><th>report</th></tr>");
        foreach (var version in data.Versions.OrderByDescending(v => v.Entry.Version))
        {
            var entry = version.Entry;
            var stage = entry.Stage.ToString().ToLowerInvariant();
            Line($"<tr data-version=\"{entry.Version}\" data-name=\"{E(entry.Name)}\" data-stage=\"{stage}\" data-run=\"{E(version.RunId ?? string.Empty)}\">");
            Line($"<td><code>{E(entry.Name)}</code>{(version.RunId is { } run ? $"<br><span class=\"small\">run <code>{E(run)}</code></span>" : string.Empty)}</td>");
            Line($"<td class=\"{(entry.Stage == ModelStage.Production ? "ok" : entry.Stage is ModelStage.Rejected or ModelStage.Deleted ? "bad" : string.Empty)}\">{stage}</td>");
            Line($"<td>{entry.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td>");
            Line($"<td>{Metrics(entry.Metrics)}</td>");
            Line($"<td><ul class=\"events\">{string.Concat(entry.Events.Select(Event))}</ul></td>");
            Line($"<td>{Lineage(version)}</td>");
            Line($"<td>{(version.ReportLink is { } link ? $"<a class=\"report\" href=\"{E(link)}\">report</a>" : "-")}</td></tr>");
        }

        Line($"</table>");
    }

    private static string Metrics(ModelMetrics metrics)
    {
        var figures = new List<(string Name, double Value)>();
        if (metrics.Accuracy is { } accuracy)
        {
            figures.Add(("accuracy", accuracy));
        }

        if (metrics.LowestRecall is { } recall)
        {
            figures.Add(("lowestRecall", recall));
        }

        if (metrics.WorstShiftAccuracy is { } worst)
        {
            figures.Add(("worstShiftAccuracy", worst));
        }

        figures.AddRange((metrics.Figures ?? new Dictionary<string, double>()).Select(f => (f.Key, f.Value)));
        return string.Join("<br>", figures.Select(f => string.Create(
            CultureInfo.InvariantCulture,
            $"<span data-metric=\"{E(f.Name)}\" data-value=\"{f.Value:R}\">{E(f.Name)} {f.Value:0.0000}</span>")));
    }

    private static string Event(RegistryEvent e)
    {
        var detail = new List<string>();
        if (e.Decision is { } decision)
        {
            detail.Add($"gate: {decision.ToString().ToLowerInvariant()}");
        }

        if (e.Forced == true)
        {
            detail.Add("FORCED");
        }

        if (e.From is { } from)
        {
            detail.Add(string.Create(CultureInfo.InvariantCulture, $"from v{from:D4}"));
        }

        if (e.To is { } to)
        {
            detail.Add(string.Create(CultureInfo.InvariantCulture, $"to v{to:D4}"));
        }

        detail.AddRange(e.Reasons ?? []);
        var kind = e.Kind == RegistryEventKind.RolledBack ? "rolled back" : e.Kind.ToString().ToLowerInvariant();
        return string.Create(
            CultureInfo.InvariantCulture,
            $"<li data-event=\"{kind}\"{(e.Decision is { } d ? $" data-decision=\"{d.ToString().ToLowerInvariant()}\"" : string.Empty)}>{e.At.UtcDateTime:yyyy-MM-dd HH:mm} {kind} by {E(e.Actor.ToString())}{(detail.Count == 0 ? string.Empty : ": " + E(string.Join("; ", detail)))}</li>");
    }

    private static string Lineage(DashboardVersion version)
    {
        if (version.Lineage.Count == 0)
        {
            return $"<span class=\"empty\">{E(version.LineageProblem ?? "not recorded")}</span>";
        }

        var steps = version.Lineage.Select(step =>
        {
            var (stage, facts) = (step.Key, step.Value);
            var reads = facts.Files.Concat(facts.Inputs).Select(f => $"{f.Key} {ContentHash.Short(f.Value)}").ToList();
            return string.Create(
                CultureInfo.InvariantCulture,
                $"<li data-stage=\"{E(stage)}\" data-fingerprint=\"{E(facts.Fingerprint)}\"><strong>{E(stage)}</strong> <code>{E(ContentHash.Short(facts.Fingerprint))}</code>, {Seconds(facts.Seconds)}<br><span class=\"small\">reads {E(reads.Count == 0 ? "nothing upstream" : string.Join(", ", reads))}</span></li>");
        });
        return $"<ul class=\"lineage\">{string.Concat(steps)}</ul>";
    }

    private static string Outcome(StageOutcome outcome) => outcome.ToString().ToLowerInvariant();

    private static string Seconds(double seconds) => seconds.ToString(seconds < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " s";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
