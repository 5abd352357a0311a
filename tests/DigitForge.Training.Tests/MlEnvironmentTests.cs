using System.Runtime.Intrinsics.X86;
using DigitForge.Training.Stages;

namespace DigitForge.Training.Tests;

[Trait("Category", "Unit")]
public sealed class MlEnvironmentTests
{
    [Fact]
    public void The_facts_name_the_kernels_libtorch_uses_on_this_cpu()
    {
        var cpu = MlEnvironment.Facts()["cpu"];

        var expected = Environment.GetEnvironmentVariable(MlEnvironment.CpuCapabilityVariable) is { Length: > 0 } requested
            ? requested.Trim().ToLowerInvariant()
            : Avx512F.VL.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported ? "avx512"
            : Avx2.IsSupported ? "avx2"
            : null;
        if (expected is not null)
        {
            cpu.Should().Be(expected);
        }
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
