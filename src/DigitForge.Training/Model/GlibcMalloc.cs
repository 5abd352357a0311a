using System.Runtime.InteropServices;

namespace DigitForge.Training.Model;

/// <summary>
/// Makes glibc's malloc keep freed large blocks for reuse instead of returning them to the system.
/// </summary>
/// <remarks>
/// libtorch allocates every activation, gradient and temporary with malloc and frees it within the
/// step: at batch 64 a convolution output is 6.4 MB, at the evaluation batch of 1000 it is 100 MB.
/// glibc serves blocks above its mmap threshold (dynamic, at most 32 MB) with fresh mappings that
/// it unmaps on free, and trims free memory at the top of the heap above twice that threshold, so
/// the same memory was unmapped and page-faulted in again (zeroed by the kernel) at every step.
/// Measured: scoring the 2,000 test images four times took 1.4 million page faults and 39 % of the
/// CPU time in the kernel (130,000 faults after this); a plain training loop took 3.2 million faults
/// in four epochs and trained at 650 instead of 1,700 images/s. Raising both thresholds ends that;
/// the cost is that the process keeps its peak native heap until it exits.
/// Only the calling process's main arena benefits fully: other threads' arenas are 64 MB, and
/// larger blocks allocated there are still mapped afresh. Leaves malloc alone when the environment
/// already tunes it (<c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c>, <c>GLIBC_TUNABLES</c>)
/// or the C library is not glibc. Results are unaffected: only where memory comes from changes.
/// </remarks>
public static class GlibcMalloc
{
    /// <summary>Blocks up to this size come from the heap rather than a mapping of their own.</summary>
    public const int MmapThresholdBytes = 512 << 20;

    /// <summary>Free memory at the top of the heap is returned to the system only above this.</summary>
    public const int TrimThresholdBytes = 1 << 30;

    private const int MallocTrimThreshold = -1; // M_TRIM_THRESHOLD in malloc.h
    private const int MallocMmapThreshold = -3; // M_MMAP_THRESHOLD in malloc.h

    private static readonly Lazy<bool> Applied = new(Apply);

    /// <summary>Whether this process's malloc thresholds were raised (by the first call to <see cref="KeepFreedBlocks"/>).</summary>
    public static bool Tuned => Applied.IsValueCreated && Applied.Value;

    /// <summary>Raises the thresholds once per process; later calls do nothing. Returns <see cref="Tuned"/>.</summary>
    public static bool KeepFreedBlocks() => Applied.Value;

    private static bool Apply()
    {
        if (!OperatingSystem.IsLinux()
            || Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is not null)
        {
            return false;
        }

        // gnu_get_libc_version exists only in glibc; another C library could give these numbers
        // another meaning.
        if (!NativeLibrary.TryLoad("libc.so.6", out var libc)
            || !NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _)
            || !NativeLibrary.TryGetExport(libc, "mallopt", out var mallopt))
        {
            return false;
        }

        var set = Marshal.GetDelegateForFunctionPointer<MallOpt>(mallopt);
        return set(MallocMmapThreshold, MmapThresholdBytes) == 1
            & set(MallocTrimThreshold, TrimThresholdBytes) == 1;
    }

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int MallOpt(int parameter, int value);
}
