using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using DigitForge.Training.Model;

namespace DigitForge.Training.Stages;

/// <summary>Facts of the machine and libraries that change training and inference results.</summary>
public static class MlEnvironment
{
    /// <summary>Environment variable that makes libtorch use a narrower kernel set than the CPU offers.</summary>
    public const string CpuCapabilityVariable = "ATEN_CPU_CAPABILITY";

    public static IReadOnlyDictionary<string, string> Facts() => new Dictionary<string, string>
    {
        ["torchsharp"] = TorchInfo.TorchSharpVersion,
        ["architecture"] = RuntimeInformation.ProcessArchitecture.ToString(),
        ["os"] = RuntimeInformation.OSDescription.Split(' ')[0],
        ["cpu"] = CpuCapability(Environment.GetEnvironmentVariable(CpuCapabilityVariable)),
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
