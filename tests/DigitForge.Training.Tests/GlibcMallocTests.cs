using System.Runtime.InteropServices;
using DigitForge.Training.Model;

namespace DigitForge.Training.Tests;

[Trait("Category", "Unit")]
public sealed class GlibcMallocTests
{
    [Fact]
    public void Thresholds_are_raised_once_on_glibc_unless_the_environment_tunes_malloc()
    {
        var optedOut = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null
            || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is not null;
        var glibc = OperatingSystem.IsLinux()
            && NativeLibrary.TryLoad("libc.so.6", out var libc)
            && NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _);

        GlibcMalloc.KeepFreedBlocks().Should().Be(glibc && !optedOut);
        GlibcMalloc.Tuned.Should().Be(glibc && !optedOut);
        GlibcMalloc.KeepFreedBlocks().Should().Be(GlibcMalloc.Tuned, "later calls report the first call's result");
    }
}
