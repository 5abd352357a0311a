using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using DigitForge.Engine.Platform;
using DigitForge.Training.Model;

namespace DigitForge.Training;

/// <summary>Facts of the machine and libraries that change training and inference results.</summary>
public static class MlEnvironment
{
    /// <summary>Environment variable that makes libtorch use a narrower kernel set than the CPU offers.</summary>
    public const string CpuCapabilityVariable = "ATEN_CPU_CAPABILITY";

    /// <summary>
    /// The stage fingerprint's environment facts for libtorch run with <paramref name="kernels"/>:
    /// library versions, architecture, the kernel set (<c>cpu</c>) and every environment setting that
    /// can change its numbers (<c>kernels</c>). Thread counts are config, recorded there.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Facts(KernelSet kernels) => new Dictionary<string, string>
    {
        ["torchsharp"] = TorchInfo.TorchSharpVersion,
        ["architecture"] = RuntimeInformation.ProcessArchitecture.ToString(),
        ["os"] = RuntimeInformation.OSDescription.Split(' ')[0],
        ["cpu"] = TorchKernels.Pins(kernels) ? TorchKernels.PortableCapability : CpuCapability(NativeEnvironment.Get(CpuCapabilityVariable)),
        ["kernels"] = TorchKernels.Describe(kernels),
    };

    /// <summary>
    /// The vector instruction set libtorch's kernels are chosen for. Kernels for AVX-512 and AVX2
    /// sum in different orders, so the same training gives different (equally good) weights on
    /// machines that differ here; the fingerprint must not treat them as one result.
    /// </summary>
    public static string CpuCapability(string? requested)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return requested.Trim().ToLowerInvariant();
        }

        // libtorch's own test for its AVX-512 kernels: AVX-512 VL, BW and DQ.
        if (Avx512F.VL.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported)
        {
            return "avx512";
        }

        return Avx2.IsSupported ? "avx2" : RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
    }
}
