using System.Globalization;
using System.Net;
using System.Text;
using DigitForge.Evaluation.Metrics;
using DigitForge.Registry.Gate;

namespace DigitForge.Mnist.Reporting;

/// <summary>A figure of the report: its file name, caption and PNG bytes.</summary>
public sealed record Figure(string FileName, string Caption, byte[] Png);

/// <summary>A misclassified test image shown in the report.</summary>
public sealed record WrongExample(WrongPrediction Prediction, byte[] Png);

/// <summary>
/// The evaluation report as one self-contained HTML file: every image is embedded as a data URI,
/// there are no external styles or scripts, so it opens anywhere without a network. A small inline
/// script counts the images that decoded into <c>data-images-loaded</c> on the body, for checks.
/// </summary>
public static class HtmlReport
{
    /// <param name="pipelinePicture">The pipeline's stage graph as inline SVG.</param>
    public static string Render(PromotionDecision decision, ClassificationReport report, IReadOnlyList<Figure> figures, IReadOnlyList<WrongExample> wrong, DateTimeOffset createdAt, string pipelinePicture)
    {
        var html = new StringBuilder();
        void Line(FormattableString text) => html.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');
        string E(string text) => WebUtility.HtmlEncode(text);

        Line($"<!DOCTYPE html>");
        Line($"<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(decision.Version)}: evaluation report</title>");
        Line($"<style>body{{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}}th{{background:#f3f3f3}}.figures img{{max-width:100%;border:1px solid #ddd}}.wrong{{display:flex;flex-wrap:wrap;gap:.8rem}}.wrong figure{{margin:0;text-align:center;font-size:.85rem}}.promote{{color:#126b2f}}.reject{{color:#a11}}.headline td:first-child{{text-align:left}}</style>");
        Line($"</head><body data-images-loaded=\"pending\">");
        Line($"<h1>Model {E(decision.Version)}</h1>");
        Line($"<p>Evaluation report made {createdAt:yyyy-MM-dd HH:mm} UTC on the held-out test split ({report.Count} images).</p>");

        Line($"<h2>Pipeline</h2>");
        html.Append(pipelinePicture);
        Line($"<h2>Headline metrics</h2>");
        Line($"<table class=\"headline\"><tr><th>metric</th><th>value</th></tr>");
        Line($"<tr><td>accuracy</td><td id=\"accuracy\">{report.Accuracy:P2}</td></tr>");
        Line($"<tr><td>loss (cross-entropy)</td><td>{report.Loss:0.0000}</td></tr>");
        Line($"<tr><td>lowest class recall</td><td>{report.LowestRecall:P2} (digit {report.LowestRecallLabel})</td></tr>");
        Line($"<tr><td>macro F1</td><td>{report.MacroAverage.F1:0.0000}</td></tr>");
        Line($"<tr><td>expected calibration error</td><td>{report.ExpectedCalibrationError:0.0000}</td></tr>");
        if (report.Robustness is { } worst)
        {
            Line($"<tr><td>worst shift</td><td id=\"worst-shift\">{worst.Worst.Accuracy:P2} ({E(worst.Worst.Name)})</td></tr>");
        }

        Line($"</table>");

        var outcome = decision.Outcome switch
        {
            "promote" => decision.Forced ? "promoted to production by force, over the gate's reject" : "promoted to production",
            "production" => "already the production model",
            "reject" => $"not promoted; production stays {decision.Production ?? "empty"}",
            "rollback" => "restored as production by force (a rollback)",
            _ => $"{decision.Outcome}; production stays {decision.Production ?? "empty"}",
        };
        Line($"<h2>Quality gate</h2>");
        Line($"<p class=\"{(decision.Outcome is "promote" or "production" or "rollback" ? "promote" : "reject")}\"><strong>{E(outcome)}</strong></p>");
        Line($"<ul>");
        foreach (var reason in decision.Reasons)
        {
            Line($"<li>{E(reason)}</li>");
        }

        Line($"</ul>");

        Line($"<h2>Figures</h2><div class=\"figures\">");
        foreach (var figure in figures)
        {
            Line($"<figure><img alt=\"{E(figure.Caption)}\" src=\"{DataUri(figure.Png)}\"><figcaption>{E(figure.Caption)}</figcaption></figure>");
        }

        Line($"</div>");

        Line($"<h2>Per digit</h2>");
        Line($"<table><tr><th>digit</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>");
        foreach (var row in report.PerClass)
        {
            Line($"<tr><td>{row.Label}</td><td>{row.Precision:P2}</td><td>{row.Recall:P2}</td><td>{row.F1:0.0000}</td><td>{row.Support}</td></tr>");
        }

        Line($"</table>");

        if (report.Robustness is { } robustness)
        {
            // The same test images, shifted away from how MNIST looks (docs/robustness.md).
            Line($"<h2>Robustness</h2>");
            Line($"<p>Accuracy on the {robustness.Count} test images under each shift (seed {robustness.Seed}); the worst is in bold.</p>");
            Line($"<table id=\"robustness\"><tr><th>shift</th><th>accuracy</th><th>vs clean</th><th>what</th></tr>");
            foreach (var shift in robustness.Shifts)
            {
                var bold = shift.Name == robustness.Worst.Name;
                Line($"<tr><td>{(bold ? "<strong>" : string.Empty)}{E(shift.Name)}{(bold ? "</strong>" : string.Empty)}</td><td>{shift.Accuracy:P2}</td><td>{(shift.Accuracy - report.Accuracy) * 100:+0.00;-0.00;0.00} points</td><td style=\"text-align:left\">{E(shift.Description)}</td></tr>");
            }

            Line($"</table>");
        }

        Line($"<h2>Most confidently wrong test images</h2><div class=\"wrong\">");
        foreach (var example in wrong)
        {
            var p = example.Prediction;
            Line($"<figure><img alt=\"test image {p.Index}\" src=\"{DataUri(example.Png)}\"><figcaption>#{p.Index}: true {p.TrueLabel}, predicted {p.PredictedLabel}<br>{p.Confidence:P1} confident</figcaption></figure>");
        }

        Line($"</div>");
        if (wrong.Count == 0)
        {
            Line($"<p>None: every test image was classified correctly.</p>");
        }

        Line($"<script>addEventListener('load',()=>{{const i=[...document.images];document.body.dataset.imagesLoaded=i.filter(x=>x.complete&&x.naturalWidth>0).length+'/'+i.length;}});</script>");
        Line($"</body></html>");
        return html.ToString();
    }

    private static string DataUri(byte[] png) => "data:image/png;base64," + Convert.ToBase64String(png);
}
