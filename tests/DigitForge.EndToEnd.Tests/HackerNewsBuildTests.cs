namespace DigitForge.EndToEnd.Tests;

/// <summary>The Hacker News pipeline through the real ./build.sh, on its tiny recipe, beside MNIST's folder.</summary>
[Collection(BuildLanes.First)]
[Trait("Category", "EndToEnd")]
public sealed class HackerNewsBuildTests : IDisposable
{
    private static readonly string[] Stages = ["Ingest", "Split", "Featurize", "Train", "Evaluate", "Promote", "Report"];
    private static readonly string[] Recipe = ["--pipeline=hn", "--config=configs/hn/ci.json"];
    private readonly RepoBuild build = new();

    public void Dispose() => build.Dispose();

    private string Hn(params string[] parts) => Path.Combine([build.Artifacts, "hn", .. parts]);

    [Fact]
    public void Builds_promotes_reports_skips_when_nothing_changed_and_scores_a_stories_file()
    {
        var first = build.Run([.. Recipe, "--target=Report"]);
        first.ExitCode.Should().Be(0, first.ToString());
        first.Statuses(Stages).Should().AllBe("Succeeded", first.ToString());
        first.Output.Should().Contain("Test MAE").And.Contain("median baseline");
        File.ReadAllText(Hn("stages", "Evaluate", "metrics.json")).Should().Contain("\"medianBaseline\"").And.Contain("\"spearman\"");
        File.ReadAllText(Hn("stages", "Report", "report.html")).Should().Contain("<svg").And.Contain("data-stage=\"Featurize\"");
        Directory.EnumerateDirectories(Hn("models"), "v0001-*").Should().ContainSingle();
        Directory.Exists(Path.Combine(build.Artifacts, "mnist")).Should().BeFalse("each pipeline writes only its own folder");

        var second = build.Run([.. Recipe, "--target=Report"]);
        second.ExitCode.Should().Be(0, second.ToString());
        second.Statuses(Stages).Should().AllBe("Skipped", second.ToString());

        var trees = build.Run([.. Recipe, "--target=Evaluate", "--set=train.trees=20"]);
        trees.Statuses(["Ingest", "Split", "Featurize", "Train", "Evaluate"]).Should().Equal(["Skipped", "Skipped", "Skipped", "Succeeded", "Succeeded"], trees.ToString());
        trees.Output.Should().Contain("config changed: train.trees (40 -> 20)");

        var stories = Path.Combine(build.Artifacts, "stories.csv");
        File.WriteAllText(stories, "id,title,url,time\n1,Show HN: A tiny Rust web server,https://github.com/x/y,2016-05-28T19:51:00Z\n2,,https://example.com,\n3,Ask HN: How do you learn a new codebase?,,\n");
        var output = Path.Combine(build.Artifacts, "predictions.csv");
        var scored = build.Run([.. Recipe, "--target=Score", $"--input={stories}", $"--out={output}"]);
        scored.ExitCode.Should().Be(4, "one row has no title: the run completes with an error row\n" + scored);
        var rows = File.ReadAllLines(output);
        rows.Should().HaveCount(4);
        rows[0].Should().Be("row,id,title,predicted_comments,error");
        rows[1].Should().MatchRegex(@"^1,1,Show HN: A tiny Rust web server,\d+\.\d\d,$");
        rows[2].Should().Contain("title");
        rows[3].Should().MatchRegex(@"^3,3,.*,\d+\.\d\d,$");
    }
}
