using System.Globalization;
using System.Net;
using System.Text;
using DigitForge.Engine.Stages;

namespace DigitForge.Engine.Pipelines;

/// <summary>
/// A stage graph as a picture: Mermaid (GitHub renders it in docs/pipelines.md), Graphviz DOT, and a small
/// self-contained SVG for the HTML pages. A stage's status, when known, colours its box.
/// </summary>
public static class GraphText
{
    public static string Mermaid(StageGraph graph, IReadOnlyDictionary<string, StageStatus>? statuses = null)
    {
        var text = new StringBuilder("flowchart LR\n");
        foreach (var stage in graph.Stages)
        {
            var status = Status(stage, statuses);
            text.Append(CultureInfo.InvariantCulture, $"    {stage.Name}[\"{stage.Name}{(status is null ? string.Empty : "<br/>" + Escape(status.Describe()))}\"]\n");
        }

        foreach (var (from, to) in Edges(graph))
        {
            text.Append(CultureInfo.InvariantCulture, $"    {from} --> {to}\n");
        }

        if (statuses is not null)
        {
            text.Append("    classDef fresh fill:#e3f4e1,stroke:#3d8b37\n    classDef stale fill:#fdecea,stroke:#c0392b\n");
            foreach (var stage in graph.Stages.Where(s => statuses.ContainsKey(s.Name)))
            {
                text.Append(CultureInfo.InvariantCulture, $"    class {stage.Name} {(statuses[stage.Name].UpToDate ? "fresh" : "stale")}\n");
            }
        }

        return text.ToString();
    }

    public static string Dot(StageGraph graph, IReadOnlyDictionary<string, StageStatus>? statuses = null)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"digraph \"{graph.Pipeline}\" {{\n    rankdir=LR;\n    node [shape=box, style=\"rounded,filled\", fillcolor=white];\n");
        foreach (var stage in graph.Stages)
        {
            var status = Status(stage, statuses);
            var label = status is null ? stage.Name : $"{stage.Name}\\n{status.Describe().Replace("\"", "'", StringComparison.Ordinal)}";
            var fill = status is null ? string.Empty : $", fillcolor=\"{(status.UpToDate ? "#e3f4e1" : "#fdecea")}\"";
            text.Append(CultureInfo.InvariantCulture, $"    \"{stage.Name}\" [label=\"{label}\", tooltip=\"{stage.Description.Replace("\"", "'", StringComparison.Ordinal)}\"{fill}];\n");
        }

        foreach (var (from, to) in Edges(graph))
        {
            text.Append(CultureInfo.InvariantCulture, $"    \"{from}\" -> \"{to}\";\n");
        }

        return text.Append("}\n").ToString();
    }

    /// <summary>Stages in columns by depth (longest path from a source), arrows between them; no script, no fonts to load.</summary>
    public static string Svg(StageGraph graph, IReadOnlyDictionary<string, StageStatus>? statuses = null)
    {
        const int width = 150, height = 56, gapX = 46, gapY = 22, margin = 10;
        var depth = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var stage in graph.Stages)
        {
            depth[stage.Name] = graph.Upstreams(stage.Name).Select(u => depth[u.Name] + 1).DefaultIfEmpty(0).Max();
        }

        var row = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var column in graph.Stages.GroupBy(s => depth[s.Name]))
        {
            var index = 0;
            foreach (var stage in column)
            {
                row[stage.Name] = index++;
            }
        }

        (int X, int Y) At(string stage) => (margin + depth[stage] * (width + gapX), margin + row[stage] * (height + gapY));
        var totalWidth = (2 * margin) + ((depth.Values.Max() + 1) * (width + gapX)) - gapX;
        var totalHeight = (2 * margin) + ((row.Values.Max() + 1) * (height + gapY)) - gapY;
        var svg = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"stage-graph\" width=\"{totalWidth}\" height=\"{totalHeight}\" viewBox=\"0 0 {totalWidth} {totalHeight}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n");
        foreach (var (from, to) in Edges(graph))
        {
            var (x1, y1) = At(from);
            var (x2, y2) = At(to);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x1 + width}\" y1=\"{y1 + (height / 2)}\" x2=\"{x2}\" y2=\"{y2 + (height / 2)}\" stroke=\"#555\" marker-end=\"url(#arrow)\"/>\n");
        }

        foreach (var stage in graph.Stages)
        {
            var (x, y) = At(stage.Name);
            var status = Status(stage, statuses);
            var fill = status is null ? "#ffffff" : status.UpToDate ? "#e3f4e1" : "#fdecea";
            var state = status is null ? string.Empty : status.UpToDate ? "up to date" : "stale";
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"stage\" data-stage=\"{stage.Name}\" data-status=\"{state}\"><title>{Escape(stage.Description)}{(status is null ? string.Empty : "\n" + Escape(status.Describe()))}</title>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{height}\" rx=\"8\" fill=\"{fill}\" stroke=\"#444\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (width / 2)}\" y=\"{y + 24}\" text-anchor=\"middle\" font-weight=\"bold\">{stage.Name}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (width / 2)}\" y=\"{y + 42}\" text-anchor=\"middle\" fill=\"#555\">{Escape(status is null ? string.Empty : state + " " + status.ShortFingerprint)}</text></g>\n");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private static IEnumerable<(string From, string To)> Edges(StageGraph graph) =>
        graph.Stages.SelectMany(stage => graph.Upstreams(stage.Name).Select(upstream => (upstream.Name, stage.Name)));

    private static StageStatus? Status(IStage stage, IReadOnlyDictionary<string, StageStatus>? statuses) =>
        statuses is not null && statuses.TryGetValue(stage.Name, out var status) ? status : null;

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
