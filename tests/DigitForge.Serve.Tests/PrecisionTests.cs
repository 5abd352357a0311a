using DigitForge.Registry.Store;

namespace DigitForge.Serve.Tests;

[Trait("Category", "Unit")]
[Collection(ServeModelsCollection.Name)]
public sealed class PrecisionTests(ServeModels models) : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData(null, "int8", "serve-tests-3")]
    [InlineData(ModelPrecision.Int8, "int8", "serve-tests-3")]
    [InlineData(ModelPrecision.Fp32, "fp32", "serve-tests-1")]
    public async Task A_version_with_an_accepted_int8_model_serves_it_unless_fp32_is_asked_for(ModelPrecision? precision, string expected, string onnxVersion)
    {
        ServeModels.Promote(directory.Path, ServeModels.AddVersion(directory.Path, models.First, "with-int8", 0.95, int8: models.Int8));
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path) with { Precision = precision });

        var json = await RunningService.JsonAsync(await service.Client.GetAsync("/v1/model"));
        json.GetProperty("precision").GetString().Should().Be(expected);
        json.GetProperty("onnxVersion").GetString().Should().Be(onnxVersion);
        var prediction = await RunningService.JsonAsync(await service.PostImageAsync("/v1/predict", models.Digits[0].Png));
        prediction.GetProperty("label").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Without_an_int8_model_the_default_is_fp32()
    {
        models.CreateRegistry(directory.Path);
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path));

        var json = await RunningService.JsonAsync(await service.Client.GetAsync("/v1/model"));
        json.GetProperty("precision").GetString().Should().Be("fp32");
    }

    [Theory]
    [InlineData("int8", "has no accepted int8 model: it was promoted before int8 models were exported")]
    [InlineData("fp16", "'fp16' is not a precision; expected int8 or fp32")]
    public void The_command_exits_with_2_when_the_precision_cannot_be_had(string precision, string message)
    {
        models.CreateRegistry(directory.Path);
        var error = new StringWriter();
        var original = Console.Error;
        int code;
        try
        {
            Console.SetError(error);
            code = ServeCommand.Create().Parse(["--models-root", directory.Path, "--precision", precision, "--port", "1"]).Invoke();
        }
        finally
        {
            Console.SetError(original);
        }

        code.Should().Be(2);
        error.ToString().Should().Contain(message);
    }
}
