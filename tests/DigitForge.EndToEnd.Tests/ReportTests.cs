using System.Globalization;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace DigitForge.EndToEnd.Tests;

/// <summary>The evaluation report as a browser shows it: headless Chromium (Debian's package).</summary>
[Trait("Category", "EndToEnd")]
[Trait("Category", "Browser")]
[Collection(BuildLanes.Second)]
public sealed class ReportTests : IClassFixture<PrerequisiteReport>, IDisposable
{
    private readonly RepoBuild build = new(seeded: true);

    public void Dispose() => build.Dispose();

    [SkippableFact]
    public void Report_renders_in_chromium_with_every_image_and_the_models_accuracy()
    {
        // Found on PATH or installed from Debian's packages; skips here, before the build, when it cannot be had.
        using var chromium = new HeadlessChromium(Prerequisites.Chromium.Require());
        var result = build.Run("--target=Report", "--config=configs/mnist/ci.json", "--set=promote.minAccuracy=0.1", "--set=promote.minClassRecall=0");
        result.ExitCode.Should().Be(0, result.ToString());
        var version = Directory.EnumerateFiles(Path.Combine(build.Home, "reports"), "*.html").Should().ContainSingle().Subject;
        Path.GetFileName(version).Should().MatchRegex(@"^v0001-[0-9a-f]{7}\.html$");
        var accuracy = JObject.Parse(File.ReadAllText(build.StageFile("Evaluate", "metrics.json"))).Value<double>("accuracy");

        var dom = chromium.Run("--virtual-time-budget=5000", "--dump-dom", new Uri(build.StageFile("Report", "report.html")).AbsoluteUri);

        var loaded = Regex.Match(dom, "data-images-loaded=\"(\\d+)/(\\d+)\"");
        loaded.Success.Should().BeTrue("the page's load handler ran:\n" + dom[..Math.Min(dom.Length, 400)]);
        loaded.Groups[1].Value.Should().Be(loaded.Groups[2].Value, "every image decodes");
        int.Parse(loaded.Groups[2].Value, CultureInfo.InvariantCulture).Should().Be(6 + 20, "six figures and twenty wrong examples");
        dom.Should().Contain($"id=\"accuracy\">{accuracy.ToString("P2", CultureInfo.InvariantCulture)}<");

        // A picture of the page, for people: under the repository's artifacts/ (git-ignored).
        var screenshot = Path.Combine(build.Root, "artifacts", "report-screenshot.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        chromium.Run("--window-size=1200,3000", $"--screenshot={screenshot}", new Uri(build.StageFile("Report", "report.html")).AbsoluteUri);
        new FileInfo(screenshot).Length.Should().BeGreaterThan(50_000, "a rendered page, not a blank one");
    }
}
