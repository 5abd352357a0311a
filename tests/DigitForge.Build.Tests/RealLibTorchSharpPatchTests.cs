using DigitForge.Build.NativePatches;

namespace DigitForge.Build.Tests;

/// <summary>The byte edit on copies of the real TorchSharp 0.107.0 libLibTorchSharp.so (the NuGet
/// cache original is only read; every test checks it is unchanged).</summary>
[Trait("Category", "Unit")]
public sealed class RealLibTorchSharpPatchTests : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly string _original = Tools.RealLibTorchSharp;
    private readonly byte[] _originalBytes;
    private readonly string _originalHash;

    public RealLibTorchSharpPatchTests()
    {
        _originalBytes = File.ReadAllBytes(_original);
        _originalHash = Tools.Sha256(_original);
    }

    public void Dispose()
    {
        try
        {
            Tools.Sha256(_original).Should().Be(_originalHash, "the NuGet cache copy must never be modified");
        }
        finally
        {
            _temp.Dispose();
        }
    }

    [LinuxFact]
    public void The_shipped_library_needs_GLIBCXX_3_4_32_from_libstdcxx_not_weak()
    {
        var entry = ElfVersionNeeds.ReadVersionNeeds(_original)
            .Should().ContainSingle(e => e.Version == LibTorchSharpPatch.Version).Subject;

        entry.Library.Should().Be("libstdc++.so.6");
        entry.IsWeak.Should().BeFalse();
    }

    [LinuxFact]
    public void Patching_a_copy_marks_the_entry_weak_changes_nothing_else_and_a_second_run_changes_nothing()
    {
        var copy = CopyOf(_original, "bin", "runtimes", "linux-x64", "native");
        var before = ElfVersionNeeds.ReadVersionNeeds(copy);
        var target = before.Single(e => e.Version == LibTorchSharpPatch.Version);

        ElfVersionNeeds.MakeVersionNeedWeak(copy, LibTorchSharpPatch.Library, LibTorchSharpPatch.Version)
            .Should().Be(WeakenOutcome.Patched);

        var patched = File.ReadAllBytes(copy);
        patched.Length.Should().Be(_originalBytes.Length);
        var differences = Enumerable.Range(0, patched.Length).Where(i => patched[i] != _originalBytes[i]).ToList();
        differences.Should().Equal([(int)target.FlagsOffset], "only the low byte of vna_flags may change");
        patched[target.FlagsOffset].Should().Be((byte)(_originalBytes[target.FlagsOffset] | ElfVersionNeeds.VerFlagWeak));

        var after = ElfVersionNeeds.ReadVersionNeeds(copy);
        after.Select(e => (e.Library, e.Version)).Should().Equal(before.Select(e => (e.Library, e.Version)));
        after.Where(e => e.IsWeak).Select(e => e.Version).Should().Equal(LibTorchSharpPatch.Version);

        var inode = Tools.Inode(copy);
        ElfVersionNeeds.MakeVersionNeedWeak(copy, LibTorchSharpPatch.Library, LibTorchSharpPatch.Version)
            .Should().Be(WeakenOutcome.AlreadyWeak);
        File.ReadAllBytes(copy).Should().Equal(patched);
        Tools.Inode(copy).Should().Be(inode, "an already patched file is not rewritten");
    }

    [LinuxFact]
    public void A_hard_linked_output_gets_a_private_patched_copy_and_the_other_link_keeps_the_original_bytes()
    {
        // As MSBuild leaves it with CreateHardLinksForCopyLocalIfPossible: bin/ and the "cache" share an inode.
        var cache = CopyOf(_original, "nuget", "torchsharp", "0.107.0", "runtimes", "linux-x64", "native");
        var output = _temp.File("bin", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Tools.HardLink(cache, output);
        Tools.LinkCount(cache).Should().Be(2);

        ElfVersionNeeds.MakeVersionNeedWeak(output, LibTorchSharpPatch.Library, LibTorchSharpPatch.Version)
            .Should().Be(WeakenOutcome.Patched);

        File.ReadAllBytes(cache).Should().Equal(_originalBytes);
        Tools.LinkCount(cache).Should().Be(1);
        Tools.Inode(output).Should().NotBe(Tools.Inode(cache));
        ElfVersionNeeds.ReadVersionNeeds(output).Single(e => e.Version == LibTorchSharpPatch.Version).IsWeak.Should().BeTrue();
        ElfVersionNeeds.ReadVersionNeeds(cache).Single(e => e.Version == LibTorchSharpPatch.Version).IsWeak.Should().BeFalse();
    }

    [LinuxFact]
    public void A_truncated_copy_gives_a_clear_error()
    {
        var path = _temp.File("libLibTorchSharp.so");
        File.WriteAllBytes(path, _originalBytes[..(_originalBytes.Length / 2)]);

        var act = () => ElfVersionNeeds.MakeVersionNeedWeak(path, LibTorchSharpPatch.Library, LibTorchSharpPatch.Version);

        act.Should().Throw<ElfFormatException>().WithMessage("*truncated*section header table*beyond the end of the file*");
    }

    [LinuxFact]
    public void The_build_step_patches_when_the_host_libstdcxx_lacks_the_version_and_not_when_it_has_it()
    {
        var lacking = _temp.File("old", "libstdc++.so.6");
        File.WriteAllBytes(lacking, [0x7F, .. "ELF\0GLIBCXX_3.4.30\0GLIBCXX_3.4.31\0"u8]);
        var having = _temp.File("new", "libstdc++.so.6");
        File.WriteAllBytes(having, [0x7F, .. "ELF\0GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0"u8]);
        var first = CopyOf(_original, "a");
        var second = CopyOf(_original, "b");
        var messages = new List<string>();

        LibTorchSharpPatch.Run([first], having, (_, m) => messages.Add(m)).Should().BeEmpty();
        File.ReadAllBytes(first).Should().Equal(_originalBytes);
        messages.Should().ContainSingle().Which.Should().Contain("provides GLIBCXX_3.4.32");

        messages.Clear();
        LibTorchSharpPatch.Run([first, second], lacking, (_, m) => messages.Add(m)).Should().Equal(first, second);
        messages.Should().HaveCount(2).And.OnlyContain(m => m.Contains("marked the GLIBCXX_3.4.32 need weak"));

        messages.Clear();
        LibTorchSharpPatch.Run([first], lacking, (_, m) => messages.Add(m)).Should().BeEmpty();
        messages.Should().ContainSingle().Which.Should().Contain("already has its GLIBCXX_3.4.32 need marked weak");
    }

    [LinuxFact]
    public void On_this_host_ldd_reports_no_fatal_error_for_the_patched_copy()
    {
        // The loader's own check: on a host whose libstdc++ lacks GLIBCXX_3.4.32 the original
        // fails with "version `GLIBCXX_3.4.32' not found" and the patched copy only warns.
        var native = Tools.LibTorchNativeDirectory;
        native.Should().NotBeNull("libtorch-cpu-linux-x64 is restored with the solution");
        var copy = CopyOf(_original, "ldd");
        ElfVersionNeeds.MakeVersionNeedWeak(copy, LibTorchSharpPatch.Library, LibTorchSharpPatch.Version);
        var environment = new Dictionary<string, string?> { ["LD_LIBRARY_PATH"] = native };

        var patched = Tools.Run("ldd", [copy], null, environment, TimeSpan.FromSeconds(30));
        var original = Tools.Run("ldd", [_original], null, environment, TimeSpan.FromSeconds(30));

        Tools.FatalLddErrors(patched.Output).Should().BeEmpty(patched.Output);
        var host = LibStdCxxProbe.Locate();
        if (host is not null && !LibStdCxxProbe.ProvidesVersion(host, LibTorchSharpPatch.Version))
        {
            Tools.FatalLddErrors(original.Output).Should().ContainMatch("*version `GLIBCXX_3.4.32' not found*",
                "without the patch this host cannot load it (else the test above proves nothing)");
        }
    }

    private string CopyOf(string source, params string[] folder)
    {
        var destination = _temp.File([.. folder, Path.GetFileName(source)]);
        File.Copy(source, destination);
        return destination;
    }
}
