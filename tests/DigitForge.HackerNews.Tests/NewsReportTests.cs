using DigitForge.Registry.Gate;
using DigitForge.HackerNews.Evaluation;
using DigitForge.HackerNews.Reporting;

namespace DigitForge.HackerNews.Tests;

[Trait("Category", "Unit")]
public sealed class NewsReportTests(TrainedModel trained) : IClassFixture<TrainedModel>
{
    [Fact]
    public void The_report_is_one_self_contained_page_with_every_figure_and_the_gate()
    {
        var evaluation = trained.Scratch("Evaluate");
        var output = trained.Scratch("Report");
        var metrics = NewsEvaluator.Evaluate(trained.Train, trained.Test, trained.FeaturizerPath, trained.TrainDirectory, evaluation);
        var gate = NewsGate.Decide(metrics, null, new NewsGateConfig());
        var decision = new PromotionDecision("v0001-abcdef0", gate.Outcome == GateOutcome.Promote ? "promote" : "reject", gate.Reasons, null, Forced: false);

        NewsReport.Write(evaluation, trained.TrainDirectory, decision, "<svg class=\"stage-graph\"></svg>", output, new DateTimeOffset(2025, 1, 2, 3, 4, 0, TimeSpan.Zero));

        var html = File.ReadAllText(Path.Combine(output, NewsReport.ReportFile));
        html.Should().Contain("2025-01-02 03:04 UTC");
        System.Text.RegularExpressions.Regex.Matches(html, "src=\"data:image/png;base64,").Should().HaveCount(4);
        html.Should().NotContain("src=\"http").And.NotContain("<link").And.NotContain("<script");
        html.Should().Contain("median baseline").And.Contain(System.Net.WebUtility.HtmlEncode(gate.Reasons[0])).And.Contain("v0001-abcdef0").And.Contain("<svg class=\"stage-graph\">");
        html.Should().ContainAny("<td>ask_hn</td>", "<td>domain.none</td>");
        var figures = Directory.GetFiles(Path.Combine(output, NewsReport.FiguresFolder), "*.png");
        figures.Should().HaveCount(4);
        figures.Should().OnlyContain(f => File.ReadAllBytes(f).Take(4).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
    }

    [Fact]
    public void A_malformed_predictions_file_is_an_error_naming_its_line()
    {
        var path = trained.Scratch("bad-predictions.csv");
        File.WriteAllText(path, "id,actual,predicted\n1,2,3\n4,five,6\n");

        FluentActions.Invoking(() => NewsReport.ReadPredictions(path)).Should().Throw<InvalidDataException>().WithMessage("*line 3*");
    }
}
