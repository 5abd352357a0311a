using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace DigitForge.Inference;

/// <summary>
/// The class of CPU that decides which integer kernels ONNX Runtime (MLAS) runs, and with them how an
/// int8 model's products are summed: "x86-64-avx512-vnni" and "x86-64-avx-vnni" (u8×s8 products summed
/// straight into int32), "x86-64-avx512bw" and "x86-64-avx2" (VPMADDUBSW: pairs of products summed in
/// saturating int16 first), "arm64-dotprod" and "arm64" (int32 sums), or the architecture's name.
/// Recorded wherever an int8 result was measured, and shown wherever a model is checked on load.
/// </summary>
public static class CpuClass
{
    /// <summary>This process's CPU class (detected once).</summary>
    public static string Current { get; } = Detect();

    private static string Detect()
    {
        if (X86Base.IsSupported)
        {
            // CPUID leaf 7: sub-leaf 0 ECX bit 11 is AVX512_VNNI, sub-leaf 1 EAX bit 4 is AVX-VNNI (VEX).
            var (_, _, leaf7Ecx, _) = X86Base.CpuId(7, 0);
            var (leaf71Eax, _, _, _) = X86Base.CpuId(7, 1);
            if (Avx512BW.IsSupported && (leaf7Ecx & (1 << 11)) != 0)
            {
                return "x86-64-avx512-vnni";
            }

            if (Avx2.IsSupported && (leaf71Eax & (1 << 4)) != 0)
            {
                return "x86-64-avx-vnni";
            }

            if (Avx512BW.IsSupported)
            {
                return "x86-64-avx512bw";
            }

            return Avx2.IsSupported ? "x86-64-avx2" : "x86-64";
        }

        if (AdvSimd.Arm64.IsSupported)
        {
            return Dp.IsSupported ? "arm64-dotprod" : "arm64";
        }

        return RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
    }
}
