using System.Net;
using DigitForge.Inference;
using DigitForge.Inference.Golden;
using DigitForge.Registry.Store;

namespace DigitForge.Serve.Tests;

/// <summary>
/// The service loading versions that hold the real model (FP32 and int8) and a golden set made from it on this machine:
/// as written, or with one recorded answer changed, as a set made on a CPU that answers otherwise.
/// </summary>
[Trait("Category", "Unit")]
[Collection(ServeModelsCollection.Name)]
public sealed class GoldenCheckTests(ServeModels models) : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task A_version_whose_models_pass_serves_int8_and_readyz_and_metrics_say_so()
    {
        Promote(tamper: null);
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path));

        var ready = await RunningService.JsonAsync(await service.Client.GetAsync("/readyz"));

        ready.GetProperty("precision").GetString().Should().Be("int8");
        ready.GetProperty("cpuClass").GetString().Should().Be(CpuClass.Current);
        var golden = ready.GetProperty("golden");
        golden.GetProperty("passed").GetBoolean().Should().BeTrue();
        golden.GetProperty("summary").GetString().Should().StartWith($"golden check: int8 passed on {CpuClass.Current} (0/{GoldenSet.Size} top-1 differ");
        golden.GetProperty("fallback").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        (await service.Client.GetStringAsync("/metrics")).Should().Contain($"digitforge_golden_check_passed{{precision=\"int8\",cpu_class=\"{CpuClass.Current}\"}} 1");
    }

    [Fact]
    public async Task An_int8_model_that_fails_by_default_gives_way_to_fp32_and_readyz_and_metrics_show_the_failure()
    {
        Promote(GoldenFiles.FlipTopOne("int8"));
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path));

        var golden = (await RunningService.JsonAsync(await service.Client.GetAsync("/readyz"))).GetProperty("golden");

        golden.GetProperty("passed").GetBoolean().Should().BeTrue("the fp32 model served passes");
        golden.GetProperty("fallback").GetString().Should().StartWith($"int8 failed its golden check on {CpuClass.Current} (1/{GoldenSet.Size} top-1 differ").And.EndWith("; serving with fp32");
        var checks = golden.GetProperty("checks").EnumerateArray().ToList();
        checks.Select(c => (c.GetProperty("precision").GetString(), c.GetProperty("passed").GetBoolean(), c.GetProperty("mismatches").GetInt32()))
            .Should().Equal(("int8", false, 1), ("fp32", true, 0));
        (await RunningService.JsonAsync(await service.Client.GetAsync("/v1/model"))).GetProperty("precision").GetString().Should().Be("fp32");
        (await service.PostImageAsync("/v1/predict", models.Digits[0].Png)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await service.Client.GetStringAsync("/metrics")).Should()
            .Contain($"digitforge_golden_check_passed{{precision=\"int8\",cpu_class=\"{CpuClass.Current}\"}} 0")
            .And.Contain($"digitforge_golden_check_passed{{precision=\"fp32\",cpu_class=\"{CpuClass.Current}\"}} 1");
    }

    [Fact]
    public void An_int8_model_asked_for_by_name_that_fails_stops_the_command_with_its_own_exit_code()
    {
        Promote(GoldenFiles.ShiftLogit("int8", 1f));
        var error = new StringWriter();
        var original = Console.Error;
        int code;
        try
        {
            Console.SetError(error);
            code = ServeCommand.Create().Parse(["--models-root", directory.Path, "--precision=int8", "--port", "1"]).Invoke();
        }
        finally
        {
            Console.SetError(original);
        }

        code.Should().Be(ServeCommand.GoldenCheckFailedExitCode);
        error.ToString().Should().StartWith($"error: --precision int8: v0001-").And.Contain($"'s int8 model failed its golden check on {CpuClass.Current} (0/{GoldenSet.Size} top-1 differ")
            .And.Contain("use --precision fp32");
    }

    [Fact]
    public async Task An_fp32_model_that_fails_is_not_served()
    {
        Promote(GoldenFiles.FlipTopOne("fp32"));
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path) with { Precision = ModelPrecision.Fp32 });

        (await service.Client.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await service.Client.GetAsync("/v1/model")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task A_version_promoted_before_golden_sets_is_served_and_readyz_says_it_has_none()
    {
        ServeModels.Promote(directory.Path, ServeModels.AddVersion(directory.Path, models.First, "old", 0.95, int8: models.Int8));
        await using var service = await RunningService.StartAsync(RunningService.Options(directory.Path));

        var ready = await RunningService.JsonAsync(await service.Client.GetAsync("/readyz"));

        ready.GetProperty("precision").GetString().Should().Be("int8");
        ready.GetProperty("golden").GetProperty("passed").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Null);
        ready.GetProperty("golden").GetProperty("summary").GetString().Should().StartWith("golden check: none (v0001-").And.EndWith("has no golden set; it was promoted before they were written)");
        (await service.Client.GetStringAsync("/metrics")).Should().NotContain("digitforge_golden_check_passed{");
    }

    private void Promote(Action<GoldenSet>? tamper) =>
        ServeModels.Promote(directory.Path, ServeModels.AddVersion(directory.Path, models.First, "golden", 0.95, int8: models.Int8, moreFiles: folder => GoldenFiles.Write(
            Path.Combine(folder, ModelVersion.GoldenSetFileName),
            models.Test,
            [Path.Combine(folder, ModelVersion.OnnxFileName), Path.Combine(folder, ModelVersion.Int8OnnxFileName)],
            tamper)));
}
