using System.Runtime.Intrinsics.X86;
using DigitForge.Engine.Platform;
using DigitForge.Training;
using DigitForge.Training.Model;

namespace DigitForge.Training.Tests;

[Trait("Category", "Unit")]
public sealed class MlEnvironmentTests
{
    private static readonly Dictionary<string, string?> UserSettings = new()
    {
        ["ATEN_CPU_CAPABILITY"] = "default",
        ["MKL_CBWR"] = "COMPATIBLE",
    };

    [SkippableFact]
    public void Portable_kernels_are_the_avx2_ones_whatever_the_environment_says()
    {
        Skip.IfNot(Avx2.IsSupported && Fma.IsSupported, "portable kernels pin the AVX2 code paths, which this CPU lacks");

        var facts = MlEnvironment.Facts(KernelSet.Portable);

        facts["cpu"].Should().Be("avx2");
        facts["kernels"].Should().Be("portable");
        TorchKernels.Describe(KernelSet.Portable, name => UserSettings.GetValueOrDefault(name)).Should().Be("portable");
    }

    [Fact]
    public void Native_kernels_name_every_numerics_setting_the_environment_makes()
    {
        TorchKernels.Describe(KernelSet.Native, name => UserSettings.GetValueOrDefault(name))
            .Should().Be("native; ATEN_CPU_CAPABILITY=default; MKL_CBWR=COMPATIBLE");
        TorchKernels.Describe(KernelSet.Native, _ => null).Should().Be("native");
    }

    [Fact]
    public void Native_facts_name_the_kernels_libtorch_uses_on_this_cpu()
    {
        var cpu = MlEnvironment.Facts(KernelSet.Native)["cpu"];

        var expected = NativeEnvironment.Get(MlEnvironment.CpuCapabilityVariable) is { Length: > 0 } requested
            ? requested.Trim().ToLowerInvariant()
            : Avx512F.VL.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported ? "avx512"
            : Avx2.IsSupported ? "avx2"
            : null;
        if (expected is not null)
        {
            cpu.Should().Be(expected);
        }
    }

    [SkippableFact]
    public void The_test_processes_run_libtorch_pinned_to_the_portable_kernels()
    {
        Skip.IfNot(Avx2.IsSupported && Fma.IsSupported, "portable kernels pin the AVX2 code paths, which this CPU lacks");

        // test.runsettings pins every test process from its start, before anything loads libtorch.
        foreach (var (name, value) in TorchKernels.PortableSettings)
        {
            NativeEnvironment.Get(name).Should().Be(value, $"{name} is pinned for the test processes");
        }

        TorchKernels.Use(KernelSet.Portable);
    }

    [Theory]
    [InlineData("AVX2", "avx2")]
    [InlineData(" default ", "default")]
    public void A_requested_capability_is_what_libtorch_uses(string requested, string expected) =>
        MlEnvironment.CpuCapability(requested).Should().Be(expected);

    [Fact]
    public void Without_a_request_the_widest_supported_set_is_named() =>
        MlEnvironment.CpuCapability(null).Should().Be(MlEnvironment.CpuCapability(""));
}
