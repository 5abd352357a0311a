using DigitForge.Inference;
using DigitForge.Inference.Golden;
using DigitForge.Registry.Store;
using DigitForge.ScoreTool;
using Newtonsoft.Json.Linq;

namespace DigitForge.Scoring.Tests;

/// <summary>
/// digitforge-score as a real process on registry versions holding the real model (FP32 and int8) and a golden set made
/// from it on this machine: as written, or with one recorded answer changed, as a set made on a CPU that answers otherwise.
/// </summary>
[Trait("Category", "EndToEnd")]
[Collection(ScoringModelCollection.Name)]
public sealed class GoldenCheckToolTests(ScoringModel model) : IDisposable
{
    private static readonly JObject Accepted = JObject.Parse("""{"accepted": true, "reason": "accepted"}""");
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_version_whose_models_pass_scores_with_int8_and_prints_the_check()
    {
        AddVersion(tamper: null);

        var result = Score();

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Output.Should().Contain("  precision int8\n")
            .And.Contain($"  golden check: int8 passed on {CpuClass.Current} (0/{GoldenSet.Size} top-1 differ, max logit deviation ")
            .And.Contain("3 scored, 0 failed");
    }

    [Fact]
    public void An_int8_model_that_fails_by_default_gives_way_to_fp32_with_one_line_saying_why()
    {
        var version = AddVersion(GoldenFiles.FlipTopOne("int8"));

        var result = Score();

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Output.Should().Contain($"with production {version.Name} (fp32)")
            .And.Contain("  precision fp32\n")
            .And.Contain($"  int8 failed its golden check on {CpuClass.Current} (1/{GoldenSet.Size} top-1 differ, max logit deviation ")
            .And.Contain("); scoring with fp32\n")
            .And.Contain($"  golden check: fp32 passed on {CpuClass.Current}")
            .And.Contain("3 scored, 0 failed");
    }

    [Fact]
    public void An_int8_model_asked_for_by_name_that_fails_is_refused_with_its_own_exit_code()
    {
        var version = AddVersion(GoldenFiles.ShiftLogit("int8", 1f));

        var result = Score("--precision", "int8");

        result.ExitCode.Should().Be(ExitCodes.GoldenCheckFailed);
        result.Error.Should().StartWith($"error: --precision int8: {version.Name}'s int8 model failed its golden check on {CpuClass.Current} (0/{GoldenSet.Size} top-1 differ, max logit deviation 1; 1 logits beyond tolerance")
            .And.EndWith("it does not answer here as it did at promote; use --precision fp32\n");
        File.Exists(dir.File("predictions.csv")).Should().BeFalse("nothing is scored");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_fp32_model_that_fails_is_refused(bool int8FailsFirst)
    {
        // By default int8 is tried first: fp32 is checked when int8 failed; otherwise it is asked for.
        var version = AddVersion(int8FailsFirst ? GoldenFiles.FlipTopOne("int8") + GoldenFiles.FlipTopOne("fp32") : GoldenFiles.FlipTopOne("fp32"));

        var result = int8FailsFirst ? Score() : Score("--precision", "fp32");

        result.ExitCode.Should().Be(ExitCodes.GoldenCheckFailed);
        result.Error.Should().StartWith($"error: {version.Name}'s fp32 model failed its golden check on {CpuClass.Current} (1/{GoldenSet.Size} top-1 differ")
            .And.Contain("not scoring it");
    }

    [Fact]
    public void A_version_promoted_before_golden_sets_still_scores_and_says_so()
    {
        var version = new TestRegistry(dir.File("models")).Add(File.ReadAllBytes(model.OnnxPath), "old", promote: true);

        var result = Score();

        result.ExitCode.Should().Be(ExitCodes.Success, result.Error);
        result.Output.Should().Contain($"  golden check: none ({version.Name} has no golden set; it was promoted before they were written)").And.Contain("3 scored, 0 failed");
    }

    [Fact]
    public void A_golden_set_that_cannot_be_read_is_an_input_error_naming_it()
    {
        var version = new TestRegistry(dir.File("models")).Add(File.ReadAllBytes(model.OnnxPath), "broken", promote: true,
            moreFiles: folder => File.WriteAllText(Path.Combine(folder, ModelVersion.GoldenSetFileName), """{"schema": 1}"""));

        var result = Score();

        result.ExitCode.Should().Be(ExitCodes.InputError);
        result.Error.Should().Contain($"{version.GoldenSetPath}: not a usable golden set: expected the CPU class it was made on (cpuClass)");
    }

    private ModelVersion AddVersion(Action<GoldenSet>? tamper) =>
        new TestRegistry(dir.File("models")).Add(File.ReadAllBytes(model.OnnxPath), "golden", promote: true, int8: File.ReadAllBytes(model.Int8Path), int8Parity: Accepted,
            moreFiles: folder => GoldenFiles.Write(
                Path.Combine(folder, ModelVersion.GoldenSetFileName),
                TestData.TestSplit.Subset([.. Enumerable.Range(0, 1000)]),
                [Path.Combine(folder, ModelVersion.OnnxFileName), Path.Combine(folder, ModelVersion.Int8OnnxFileName)],
                tamper));

    private ScoreTool.Result Score(params string[] more)
    {
        var folder = dir.File("digits");
        for (var i = 0; i < 3; i++)
        {
            ImageFiles.Write(folder, $"{i}.png", ImageFiles.GreyPng(Digit.Side, Digit.Side, TestData.TestSplit.Image(i)));
        }

        return ScoreTool.Run(dir.Path, [folder, "--models-root", dir.File("models"), .. more]);
    }
}
