using System.Runtime.Intrinsics.X86;
using DigitForge.Engine.Platform;

namespace DigitForge.Training.Model;

/// <summary>
/// Pins libtorch and the libraries linked into it to code paths that sum in one order on every x86-64 CPU with AVX2
/// (<see cref="KernelSet.Portable"/>), so that an AVX2-only CPU and an AVX-512 one, Intel or AMD, train the same weights,
/// bit for bit. Each library reads its setting with getenv once, before its first kernel runs, so the pin must come
/// before libtorch's first use in the process: ATen's dispatch (<c>ATEN_CPU_CAPABILITY</c>), oneDNN's convolutions
/// (<c>ONEDNN_MAX_CPU_ISA</c>), and MKL's GEMM behind the fully connected layers (<c>MKL_CBWR</c>, MKL's conditional
/// numerical reproducibility: its AVX2 mode still takes other paths under an Intel CPUID than under an AMD one, its
/// COMPATIBLE mode the same on both; <c>MKL_ENABLE_INSTRUCTIONS</c>).
/// </summary>
public static class TorchKernels
{
    /// <summary>What <see cref="MlEnvironment"/>'s <c>cpu</c> fact says of portable kernels.</summary>
    public const string PortableCapability = "avx2";

    /// <summary>The settings that pin the kernels, in the order they are set and described.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> PortableSettings { get; } =
    [
        new("ATEN_CPU_CAPABILITY", "avx2"),
        new("ONEDNN_MAX_CPU_ISA", "AVX2"),
        new("MKL_CBWR", "COMPATIBLE"),
        new("MKL_ENABLE_INSTRUCTIONS", "AVX2"),
    ];

    private static readonly string[] LoadedLibraries = ["libtorch_cpu.so", "libtorch_cpu.dylib", "torch_cpu.dll"];

    /// <summary>
    /// Whether <paramref name="kernels"/> pins anything on this machine: portable kernels are the AVX2 ones,
    /// so a CPU without AVX2 and FMA (or not x86-64) runs its own, and the facts say which.
    /// </summary>
    public static bool Pins(KernelSet kernels) => kernels == KernelSet.Portable && Avx2.IsSupported && Fma.IsSupported;

    /// <summary>
    /// The numerics settings in force for <paramref name="kernels"/>: "portable" (the pins, whatever the
    /// environment says), or "native" followed by every numerics variable the environment sets.
    /// </summary>
    public static string Describe(KernelSet kernels) => Describe(kernels, NativeEnvironment.Get);

    internal static string Describe(KernelSet kernels, Func<string, string?> environment)
    {
        if (Pins(kernels))
        {
            return "portable";
        }

        var set = PortableSettings.Select(s => (s.Key, Value: environment(s.Key))).Where(s => s.Value is not null).Select(s => $"{s.Key}={s.Value}");
        return string.Join("; ", new[] { kernels == KernelSet.Portable ? "portable (no AVX2 here: native)" : "native" }.Concat(set));
    }

    /// <summary>
    /// Applies <paramref name="kernels"/> to this process before libtorch first runs: portable sets the pins
    /// (overriding the environment), native leaves the environment as it is. Throws when libtorch is already
    /// loaded with other settings: its kernels are fixed by then, and the weights would not be what the
    /// fingerprint says.
    /// </summary>
    public static void Use(KernelSet kernels)
    {
        if (!Pins(kernels))
        {
            return;
        }

        foreach (var (name, value) in PortableSettings)
        {
            var current = NativeEnvironment.Get(name);
            if (current == value)
            {
                continue;
            }

            if (LibTorchLoaded())
            {
                throw new InvalidOperationException(
                    $"libtorch was loaded with {name}={current ?? "unset"} before portable kernels could be pinned; "
                    + $"start the process with {string.Join(" ", PortableSettings.Select(s => $"{s.Key}={s.Value}"))}, or train with train.kernels=native.");
            }

            NativeEnvironment.Set(name, value);
        }
    }

    private static bool LibTorchLoaded()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.Modules.Cast<System.Diagnostics.ProcessModule>().Any(m => LoadedLibraries.Contains(m.ModuleName, StringComparer.OrdinalIgnoreCase));
    }
}
