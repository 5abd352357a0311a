using System.Net;
using System.Text;
using DigitForge.Engine.Storage;
using DigitForge.Registry.Gate;

namespace DigitForge.Kit.Reporting;

/// <summary>
/// A self-contained HTML page for any pipeline: its headline metrics, the evaluation's text, the gate's decision and
/// the stage graph (the picture the engine draws), with no script and no external file.
/// </summary>
public static class HeadlineReport
{
    public const string ReportFile = "report.html";

    public static void Write(string path, string title, IEnumerable<(string Name, string Value)> headlines, string details, PromotionDecision decision, string graphSvg)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Encode(title)).Append("</title>\n")
            .Append("<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}td,th{padding:.2em .8em;border-bottom:1px solid #ddd;text-align:left}</style></head><body>\n")
            .Append("<h1>").Append(Encode(title)).Append("</h1>\n<h2>Headline metrics</h2>\n<table>\n");
        foreach (var (name, value) in headlines)
        {
            html.Append("<tr><th>").Append(Encode(name)).Append("</th><td>").Append(Encode(value)).Append("</td></tr>\n");
        }

        html.Append("</table>\n<pre>").Append(Encode(details)).Append("</pre>\n")
            .Append("<h2>Promotion</h2>\n<p>").Append(Encode($"{decision.Version}: {decision.Outcome}{(decision.Forced ? " (forced)" : string.Empty)}")).Append("</p>\n<ul>\n");
        foreach (var reason in decision.Reasons)
        {
            html.Append("<li>").Append(Encode(reason)).Append("</li>\n");
        }

        html.Append("</ul>\n<h2>Pipeline</h2>\n").Append(graphSvg).Append("\n</body></html>\n");
        AtomicFile.WriteAllText(path, html.ToString());
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
