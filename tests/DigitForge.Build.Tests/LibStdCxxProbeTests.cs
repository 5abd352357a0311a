using System.Text;
using DigitForge.Build.NativePatches;

namespace DigitForge.Build.Tests;

/// <summary>Does the host's libstdc++ provide GLIBCXX_3.4.32, and where is it.</summary>
[Trait("Category", "Unit")]
public sealed class LibStdCxxProbeTests : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [LinuxFact]
    public void A_libstdcxx_with_the_version_string_provides_it()
    {
        var path = Library("\0GLIBCXX_3.4.30\0GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0GLIBCXX_3.4.33\0");

        LibStdCxxProbe.ProvidesVersion(path, "GLIBCXX_3.4.32").Should().BeTrue();
    }

    [LinuxFact]
    public void A_libstdcxx_without_the_version_string_does_not_provide_it()
    {
        // GCC 12's list ends at 3.4.30; longer or shorter names, or one cut off by the end of the
        // file, must not count as a match.
        var path = Library("\0GLIBCXX_3.4.29\0GLIBCXX_3.4.30\0GLIBCXX_3.4.3\0GLIBCXX_3.4.320\0GLIBCXX_3.4.32");

        LibStdCxxProbe.ProvidesVersion(path, "GLIBCXX_3.4.32").Should().BeFalse();
    }

    [LinuxFact]
    public void The_version_string_at_the_very_end_of_the_file_is_found()
    {
        var path = Library("\0GLIBCXX_3.4.32\0");

        LibStdCxxProbe.ProvidesVersion(path, "GLIBCXX_3.4.32").Should().BeTrue();
    }

    [LinuxFact]
    public void Ldconfig_output_prefers_the_x86_64_libstdcxx()
    {
        const string output = """
            1234 libs found in cache `/etc/ld.so.cache'
            	libstdc++fs.so.6 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libstdc++fs.so.6
            	libstdc++.so.6 (libc6) => /usr/lib32/libstdc++.so.6
            	libstdc++.so.6 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libstdc++.so.6
            	libstdc++.so (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libstdc++.so
            """;

        LibStdCxxProbe.ParseLdconfigOutput(output).Should().Be("/usr/lib/x86_64-linux-gnu/libstdc++.so.6");
        LibStdCxxProbe.ParseLdconfigOutput("\tlibstdc++.so.6 (libc6,AArch64) => /usr/lib/aarch64-linux-gnu/libstdc++.so.6\n")
            .Should().Be("/usr/lib/aarch64-linux-gnu/libstdc++.so.6");
        LibStdCxxProbe.ParseLdconfigOutput("\tlibfoo.so.1 (libc6,x86-64) => /lib/libfoo.so.1\n").Should().BeNull();
        LibStdCxxProbe.ParseLdconfigOutput(null).Should().BeNull();
    }

    [LinuxFact]
    public void The_host_libstdcxx_is_found_and_is_a_64_bit_ELF()
    {
        var path = LibStdCxxProbe.Locate();

        path.Should().NotBeNull("every Linux host that can run TorchSharp has a libstdc++.so.6");
        var ident = new byte[5];
        using (var stream = File.OpenRead(path!))
        {
            stream.ReadExactly(ident);
        }

        ident.Should().Equal(0x7F, (byte)'E', (byte)'L', (byte)'F', 2);
    }

    private string Library(string strings)
    {
        var path = _temp.File("libstdc++.so.6");
        File.WriteAllBytes(path, [0x7F, .. "ELF"u8, 2, 1, 1, 0, .. new byte[1000], .. Encoding.ASCII.GetBytes(strings)]);
        return path;
    }
}
