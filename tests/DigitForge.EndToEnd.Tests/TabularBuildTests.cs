namespace DigitForge.EndToEnd.Tests;

/// <summary>A tabular pipeline that is only configs/diabetes/ (pipeline.json and recipes), through the real ./build.sh.</summary>
[Collection(BuildLanes.Second)]
[Trait("Category", "EndToEnd")]
public sealed class TabularBuildTests : IDisposable
{
    private static readonly string[] Stages = ["Ingest", "Split", "Train", "Evaluate", "Promote", "Report"];
    private static readonly string[] Recipe = ["--pipeline=diabetes", "--config=configs/diabetes/ci.json"];
    private readonly RepoBuild build = new();

    public void Dispose() => build.Dispose();

    [Fact]
    public void Builds_a_recipe_only_pipeline_skips_when_nothing_changed_and_scores_a_csv()
    {
        var first = build.Run([.. Recipe, "--target=Report"]);
        first.ExitCode.Should().Be(0, first.ToString());
        first.Statuses(Stages).Should().AllBe("Succeeded", first.ToString());
        first.Output.Should().Contain("test examples: MAE").And.Contain("training mean baseline");
        File.ReadAllText(Path.Combine(build.Artifacts, "diabetes", "stages", "Report", "report.html")).Should().Contain("<svg").And.Contain("r2");

        var second = build.Run([.. Recipe, "--target=Report"]);
        second.ExitCode.Should().Be(0, second.ToString());
        second.Statuses(Stages).Should().AllBe("Skipped", second.ToString());

        var patients = Path.Combine(build.Artifacts, "patients.csv");
        File.WriteAllText(patients, "age,sex,bmi,bp,tc,ldl,hdl,tch,ltg,glu\n59,sex2,32.1,101.0,157,93.2,38.0,4.0,4.8598,87\n23,sex1,19.0,70,150,90,60,2,4.0,80\n");
        var output = Path.Combine(build.Artifacts, "predictions.csv");
        var scored = build.Run([.. Recipe, "--target=Score", $"--input={patients}", $"--out={output}"]);
        scored.ExitCode.Should().Be(0, scored.ToString());
        var rows = File.ReadAllLines(output);
        rows[0].Should().Be("row,predicted");
        rows[1..].Should().HaveCount(2).And.AllSatisfy(row => row.Should().MatchRegex(@"^\d,-?\d+(\.\d+)?$"));

        File.WriteAllText(patients, "age,sex,bmi,bp,tc,ldl,hdl,tch,ltg,glu\n59,sex2,heavy,101.0,157,93.2,38.0,4.0,4.8598,87\n");
        var refused = build.Run([.. Recipe, "--target=Score", $"--input={patients}", $"--out={output}"]);
        refused.ExitCode.Should().Be(3, refused.ToString());
        refused.Output.Should().Contain($"{patients}: line 2, column 'bmi': \"heavy\" is not a number");
    }
}
