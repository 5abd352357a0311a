using System.Runtime.Versioning;

// The step patches a Linux ELF and the tests use ln, stat and ldd: on other hosts they are skipped.
[assembly: SupportedOSPlatform("linux")]

namespace DigitForge.Build.Tests;

public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux only: the libLibTorchSharp.so patch step runs on Linux hosts only.";
        }
    }
}

public sealed class LinuxTheoryAttribute : TheoryAttribute
{
    public LinuxTheoryAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Linux only: the libLibTorchSharp.so patch step runs on Linux hosts only.";
        }
    }
}
