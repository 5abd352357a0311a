using System.Buffers.Binary;
using DigitForge.Build.NativePatches;

namespace DigitForge.Build.Tests;

/// <summary>The ELF byte edit on small ELF files built in the test.</summary>
[Trait("Category", "Unit")]
public sealed class SyntheticElfPatchTests : IDisposable
{
    private const string StdCxx = "libstdc++.so.6";
    private const string Version = "GLIBCXX_3.4.32";
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [LinuxFact]
    public void Reads_every_verneed_and_vernaux_entry()
    {
        var path = Write(SyntheticElf.LikeLibTorchSharp());

        var entries = ElfVersionNeeds.ReadVersionNeeds(path);

        entries.Select(e => $"{e.Library}/{e.Version}").Should().Equal(
            "libm.so.6/GLIBC_2.2.5",
            "libc.so.6/GLIBC_2.34",
            "libc.so.6/GLIBC_2.2.5",
            "libstdc++.so.6/GLIBCXX_3.4.30",
            "libstdc++.so.6/GLIBCXX_3.4.32",
            "libstdc++.so.6/CXXABI_1.3");
        entries.Should().OnlyContain(e => !e.IsWeak);
    }

    [LinuxFact]
    public void Sets_only_the_weak_bit_of_the_GLIBCXX_3_4_32_entry_and_is_idempotent()
    {
        var elf = SyntheticElf.LikeLibTorchSharp();
        var path = Write(elf);

        ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version).Should().Be(WeakenOutcome.Patched);

        var after = File.ReadAllBytes(path);
        var at = (int)elf.FlagsOffset(StdCxx, Version);
        BinaryPrimitives.ReadUInt16LittleEndian(after.AsSpan(at)).Should().Be(ElfVersionNeeds.VerFlagWeak);
        DifferingOffsets(elf.Bytes, after).Should().Equal(at);
        ElfVersionNeeds.ReadVersionNeeds(path).Where(e => e.IsWeak).Select(e => $"{e.Library}/{e.Version}")
            .Should().Equal($"{StdCxx}/{Version}");

        ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version).Should().Be(WeakenOutcome.AlreadyWeak);
        File.ReadAllBytes(path).Should().Equal(after);
        Directory.GetFileSystemEntries(_temp.Path).Should().ContainSingle("no temporary file may be left behind");
    }

    [LinuxFact]
    public void Keeps_other_flag_bits()
    {
        var elf = SyntheticElf.LikeLibTorchSharp(glibcxx33432Flags: 0x1);
        var path = Write(elf);

        ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version).Should().Be(WeakenOutcome.Patched);

        BinaryPrimitives.ReadUInt16LittleEndian(File.ReadAllBytes(path).AsSpan((int)elf.FlagsOffset(StdCxx, Version)))
            .Should().Be(0x3);
    }

    [LinuxFact]
    public void An_entry_that_is_already_weak_is_left_byte_identical_and_not_rewritten()
    {
        var elf = SyntheticElf.LikeLibTorchSharp(glibcxx33432Flags: ElfVersionNeeds.VerFlagWeak);
        var path = Write(elf);
        var inode = Tools.Inode(path);

        ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version).Should().Be(WeakenOutcome.AlreadyWeak);

        File.ReadAllBytes(path).Should().Equal(elf.Bytes);
        Tools.Inode(path).Should().Be(inode);
    }

    [LinuxFact]
    public void A_library_without_the_GLIBCXX_3_4_32_need_is_left_alone()
    {
        var elf = new SyntheticElf(
            new VersionNeed("libc.so.6", ("GLIBC_2.34", 0)),
            new VersionNeed(StdCxx, ("GLIBCXX_3.4.30", 0), ("GLIBCXX_3.4.3", 0), ("GLIBCXX_3.4.320", 0)));
        var path = Write(elf);
        var inode = Tools.Inode(path);

        ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version).Should().Be(WeakenOutcome.NotRequired);

        File.ReadAllBytes(path).Should().Equal(elf.Bytes);
        Tools.Inode(path).Should().Be(inode);
    }

    [LinuxFact]
    public void The_version_under_another_library_is_not_touched()
    {
        var elf = new SyntheticElf(new VersionNeed("libfoo.so.1", (Version, 0)));
        var path = Write(elf);

        ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version).Should().Be(WeakenOutcome.NotRequired);

        File.ReadAllBytes(path).Should().Equal(elf.Bytes);
    }

    [LinuxFact]
    public void An_ELF_without_a_version_needs_section_is_left_alone()
    {
        var elf = new SyntheticElf();
        var path = Write(elf);

        ElfVersionNeeds.ReadVersionNeeds(path).Should().BeEmpty();
        ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version).Should().Be(WeakenOutcome.NotRequired);
        File.ReadAllBytes(path).Should().Equal(elf.Bytes);
    }

    [LinuxTheory]
    [InlineData("")]
    [InlineData("#!/bin/sh\necho not a library\n")]
    [InlineData("MZ\u0090\0 a Windows DLL, say")]
    public void A_file_that_is_not_an_ELF_gives_a_clear_error_and_is_not_changed(string content)
    {
        var path = _temp.File("libLibTorchSharp.so");
        File.WriteAllText(path, content);

        var act = () => ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version);

        act.Should().Throw<ElfFormatException>().WithMessage($"{path}: not an ELF file*");
        File.ReadAllText(path).Should().Be(content);
    }

    [LinuxTheory]
    [InlineData(4)] // magic only
    [InlineData(40)] // inside the ELF header
    [InlineData(64)] // header only: the section header table is missing
    [InlineData(-1)] // all but the last byte (the end of the section header table)
    public void A_truncated_file_gives_a_clear_error_and_is_not_changed(int keep)
    {
        var elf = SyntheticElf.LikeLibTorchSharp();
        var cut = elf.Bytes[..(keep >= 0 ? keep : elf.Bytes.Length + keep)];
        var path = Write(cut);

        var act = () => ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version);

        act.Should().Throw<ElfFormatException>().WithMessage($"{path}: truncated*beyond the end of the file*");
        File.ReadAllBytes(path).Should().Equal(cut);
    }

    [LinuxFact]
    public void A_32_bit_ELF_is_rejected()
    {
        var bytes = SyntheticElf.LikeLibTorchSharp().Bytes;
        bytes[4] = 1; // ELFCLASS32
        var path = Write(bytes);

        var act = () => ElfVersionNeeds.ReadVersionNeeds(path);

        act.Should().Throw<ElfFormatException>().WithMessage("*not a 64-bit ELF file*");
    }

    [LinuxFact]
    public void A_verneed_chain_that_leaves_its_section_is_rejected()
    {
        var elf = SyntheticElf.LikeLibTorchSharp();
        var bytes = elf.Bytes;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(elf.VerneedOffset + 12), 0x10000); // vn_next of the first Verneed
        var path = Write(bytes);

        var act = () => ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version);

        act.Should().Throw<ElfFormatException>().WithMessage("*Verneed entry at 0x10000 lies outside the section*");
        File.ReadAllBytes(path).Should().Equal(bytes);
    }

    [LinuxFact]
    public void A_vernaux_chain_that_ends_early_is_rejected()
    {
        var elf = SyntheticElf.LikeLibTorchSharp();
        var bytes = elf.Bytes;
        var firstStdCxxAux = (int)elf.FlagsOffset(StdCxx, "GLIBCXX_3.4.30") - 4;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(firstStdCxxAux + 12), 0); // vna_next
        var path = Write(bytes);

        var act = () => ElfVersionNeeds.ReadVersionNeeds(path);

        act.Should().Throw<ElfFormatException>().WithMessage("*Vernaux chain of libstdc++.so.6 ends after 1 of 3 entries*");
    }

    [LinuxFact]
    public void A_name_outside_the_string_table_is_rejected()
    {
        var elf = SyntheticElf.LikeLibTorchSharp();
        var bytes = elf.Bytes;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)elf.FlagsOffset(StdCxx, Version) + 4), 0xFFFFFF); // vna_name
        var path = Write(bytes);

        var act = () => ElfVersionNeeds.ReadVersionNeeds(path);

        act.Should().Throw<ElfFormatException>().WithMessage("*name offset 16777215 is outside its string table*");
    }

    [LinuxFact]
    public void Mode_bits_and_last_write_time_are_kept()
    {
        var path = Write(SyntheticElf.LikeLibTorchSharp());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);
        var lastWrite = new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, lastWrite);

        ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version).Should().Be(WeakenOutcome.Patched);

        File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);
        File.GetLastWriteTimeUtc(path).Should().Be(lastWrite, "MSBuild's incremental copy must keep seeing the file as up to date");
    }

    [LinuxFact]
    public void A_symlinked_output_becomes_a_patched_private_file_and_the_link_target_is_untouched()
    {
        var elf = SyntheticElf.LikeLibTorchSharp();
        var cache = _temp.File("cache", "libLibTorchSharp.so");
        File.WriteAllBytes(cache, elf.Bytes);
        var output = _temp.File("bin", "libLibTorchSharp.so");
        File.CreateSymbolicLink(output, cache);

        ElfVersionNeeds.MakeVersionNeedWeak(output, StdCxx, Version).Should().Be(WeakenOutcome.Patched);

        new FileInfo(output).LinkTarget.Should().BeNull("the link itself is replaced by a regular file");
        File.ReadAllBytes(cache).Should().Equal(elf.Bytes);
        ElfVersionNeeds.ReadVersionNeeds(output).Single(e => e.Version == Version).IsWeak.Should().BeTrue();
    }

    [LinuxFact]
    public void A_read_only_output_is_patched_and_stays_read_only()
    {
        var path = Write(SyntheticElf.LikeLibTorchSharp());
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version).Should().Be(WeakenOutcome.Patched);

        File.GetUnixFileMode(path).Should().Be(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        ElfVersionNeeds.ReadVersionNeeds(path).Single(e => e.Version == Version).IsWeak.Should().BeTrue();
    }

    [LinuxFact]
    public void Temporary_files_abandoned_by_a_killed_build_are_removed_but_live_ones_are_not()
    {
        var path = Write(SyntheticElf.LikeLibTorchSharp());
        var abandoned = _temp.File($".libLibTorchSharp.so.{int.MaxValue}.{Guid.NewGuid():N}.digitforge-tmp");
        var live = _temp.File($".libLibTorchSharp.so.{Environment.ProcessId}.{Guid.NewGuid():N}.digitforge-tmp");
        File.WriteAllText(abandoned, "half");
        File.WriteAllText(live, "in progress");

        ElfVersionNeeds.MakeVersionNeedWeak(path, StdCxx, Version).Should().Be(WeakenOutcome.Patched);

        File.Exists(abandoned).Should().BeFalse();
        File.Exists(live).Should().BeTrue();
    }

    private string Write(SyntheticElf elf) => Write(elf.Bytes);

    private string Write(byte[] bytes)
    {
        var path = _temp.File("libLibTorchSharp.so");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static List<int> DifferingOffsets(byte[] a, byte[] b)
    {
        a.Length.Should().Be(b.Length);
        return Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToList();
    }
}
