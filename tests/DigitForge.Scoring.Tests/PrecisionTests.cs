using DigitForge.Registry.Store;
using DigitForge.ScoreTool;
using DigitForge.Scoring.Models;
using Newtonsoft.Json.Linq;

namespace DigitForge.Scoring.Tests;

[Trait("Category", "Unit")]
public sealed class PrecisionTests : IDisposable
{
    private static readonly JObject Accepted = JObject.Parse("""{"accepted": true, "reason": "accepted: accuracy 99.10 % vs FP32 99.10 %"}""");
    private static readonly JObject Refused = JObject.Parse("""{"accepted": false, "reason": "refused: only 99.40 % of predictions equal FP32's (at least 99.5 % required)"}""");
    private readonly TempDirectory dir = new();
    private readonly TestRegistry registry;

    public PrecisionTests() => registry = new TestRegistry(dir.Path);

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("int8", ModelPrecision.Int8)]
    [InlineData("INT8", ModelPrecision.Int8)]
    [InlineData(" fp32", ModelPrecision.Fp32)]
    public void Parse_TakesInt8AndFp32(string text, ModelPrecision expected) => PrecisionChoice.Parse(text).Should().Be(expected);

    [Fact]
    public void Parse_RefusesOtherNames() =>
        FluentActions.Invoking(() => PrecisionChoice.Parse("fp16")).Should().Throw<FormatException>().WithMessage("'fp16' is not a precision; expected int8 or fp32");

    [Fact]
    public void Default_IsInt8_WhenTheVersionHasAnAcceptedInt8Model()
    {
        var version = registry.Add([1], "with-int8", promote: true, int8: [2], int8Parity: Accepted);

        ModelResolver.Resolve("production", dir.Path).Should().BeEquivalentTo(new { OnnxPath = version.Int8OnnxPath, Description = $"production {version.Name} (int8)" });
        ModelResolver.Resolve("v1", dir.Path, ModelPrecision.Int8).OnnxPath.Should().Be(version.Int8OnnxPath);
        ModelResolver.Resolve("v1", dir.Path, ModelPrecision.Fp32).Should().BeEquivalentTo(new { version.OnnxPath, Description = $"version {version.Name} (fp32)" });
    }

    [Fact]
    public void Default_IsFp32_WhenTheInt8ModelWasRefused()
    {
        var version = registry.Add([1], "refused", promote: true, int8Parity: Refused);

        ModelResolver.Resolve("production", dir.Path).OnnxPath.Should().Be(version.OnnxPath);
    }

    [Fact]
    public void Int8_OnAVersionWhoseInt8ModelWasRefused_IsAUsageErrorSayingWhy()
    {
        var version = registry.Add([1], "refused", int8Parity: Refused);

        var act = () => ModelResolver.Resolve("v1", dir.Path, ModelPrecision.Int8);

        act.Should().Throw<ScoringSetupException>()
            .WithMessage($"--precision int8: {version.Name} has no accepted int8 model: at promote its int8 model was refused: only 99.40 % of predictions equal FP32's*; use --precision fp32")
            .Which.Problem.Should().Be(SetupProblem.Usage);
    }

    [Fact]
    public void Int8_OnAVersionPromotedBeforeInt8_IsAUsageError()
    {
        var version = registry.Add([1], "old", promote: true);

        var act = () => ModelResolver.Resolve("production", dir.Path, ModelPrecision.Int8);

        act.Should().Throw<ScoringSetupException>().WithMessage($"*{version.Name} has no accepted int8 model: it was promoted before int8 models were exported*");
    }

    [Fact]
    public void APathWithPrecision_IsAUsageError()
    {
        var path = ImageFiles.Write(dir.Path, "model.onnx", [1]);

        var act = () => ModelResolver.Resolve(path, dir.Path, ModelPrecision.Fp32);

        act.Should().Throw<ScoringSetupException>().WithMessage("--precision chooses between a registry version's models*").Which.Problem.Should().Be(SetupProblem.Usage);
    }

    [Theory]
    [InlineData("int8")]
    [InlineData("fp16")]
    public void ScoreCommand_ExitsWith2_WhenThePrecisionCannotBeHad(string precision)
    {
        registry.Add([1], "old", promote: true);
        var folder = Directory.CreateDirectory(dir.File("images")).FullName;
        var error = new StringWriter();
        var original = Console.Error;
        int code;
        try
        {
            Console.SetError(error);
            code = ScoreCommand.Create().Parse([folder, "--models-root", dir.Path, "--precision", precision, "--out", dir.File("out.csv")]).Invoke();
        }
        finally
        {
            Console.SetError(original);
        }

        code.Should().Be(ExitCodes.UsageError);
        error.ToString().Should().Contain("--precision");
    }
}
