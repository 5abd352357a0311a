using System.Buffers.Binary;
using System.Text;

namespace DigitForge.Build.Tests;

/// <summary>One Verneed (a library) with its Vernaux entries (version names and vna_flags).</summary>
public sealed record VersionNeed(string Library, params (string Version, ushort Flags)[] Versions);

/// <summary>
/// A minimal ELF64 little-endian shared object: header, .dynstr, optionally .gnu.version_r
/// (SHT_GNU_verneed), .shstrtab and the section header table. Enough for the patcher, nothing to run.
/// </summary>
public sealed class SyntheticElf
{
    private readonly Dictionary<string, long> _flagOffsets = new(StringComparer.Ordinal);

    public SyntheticElf(params VersionNeed[] needs)
    {
        var dynstr = new StringTable();
        foreach (var need in needs)
        {
            dynstr.Add(need.Library);
            foreach (var (version, _) in need.Versions)
            {
                dynstr.Add(version);
            }
        }

        var shstr = new StringTable();
        var nameDynstr = shstr.Add(".dynstr");
        var nameVerneed = shstr.Add(".gnu.version_r");
        var nameShstrtab = shstr.Add(".shstrtab");

        var file = new List<byte>(new byte[64]);
        var dynstrOffset = file.Count;
        file.AddRange(dynstr.Bytes);
        Align(file, 8);

        var verneedOffset = file.Count;
        if (needs.Length > 0)
        {
            for (var i = 0; i < needs.Length; i++)
            {
                var need = needs[i];
                var isLast = i == needs.Length - 1;
                var entrySize = 16 + (16 * need.Versions.Length);
                Put16(file, 1); // vn_version
                Put16(file, (ushort)need.Versions.Length);
                Put32(file, dynstr.Offset(need.Library));
                Put32(file, 16); // vn_aux: right after this Verneed
                Put32(file, isLast ? 0u : (uint)entrySize);
                for (var k = 0; k < need.Versions.Length; k++)
                {
                    var (version, flags) = need.Versions[k];
                    Put32(file, ElfHash(version));
                    _flagOffsets[$"{need.Library}/{version}"] = file.Count;
                    Put16(file, flags);
                    Put16(file, (ushort)(k + 2)); // vna_other: version index
                    Put32(file, dynstr.Offset(version));
                    Put32(file, k == need.Versions.Length - 1 ? 0u : 16u);
                }
            }
        }

        var verneedSize = file.Count - verneedOffset;
        var shstrOffset = file.Count;
        file.AddRange(shstr.Bytes);
        Align(file, 8);

        var shoff = file.Count;
        var sectionCount = needs.Length > 0 ? 4 : 3;
        AddSection(file, 0, 0, 0, 0, 0, 0); // SHN_UNDEF
        AddSection(file, nameDynstr, 3, dynstrOffset, dynstr.Bytes.Length, 0, 0);
        if (needs.Length > 0)
        {
            AddSection(file, nameVerneed, 0x6ffffffe, verneedOffset, verneedSize, 1, (uint)needs.Length);
        }

        AddSection(file, nameShstrtab, 3, shstrOffset, shstr.Bytes.Length, 0, 0);

        var bytes = file.ToArray();
        "\x7F"u8.CopyTo(bytes);
        "ELF"u8.CopyTo(bytes.AsSpan(1));
        bytes[4] = 2; // ELFCLASS64
        bytes[5] = 1; // ELFDATA2LSB
        bytes[6] = 1; // EV_CURRENT
        Write16(bytes, 0x10, 3); // ET_DYN
        Write16(bytes, 0x12, 62); // EM_X86_64
        Write32(bytes, 0x14, 1);
        Write64(bytes, 0x28, (ulong)shoff);
        Write16(bytes, 0x34, 64);
        Write16(bytes, 0x3A, 64);
        Write16(bytes, 0x3C, (ushort)sectionCount);
        Write16(bytes, 0x3E, (ushort)(sectionCount - 1));
        Bytes = bytes;
        VerneedOffset = verneedOffset;
    }

    public byte[] Bytes { get; }

    /// <summary>File offset of the .gnu.version_r section's contents.</summary>
    public int VerneedOffset { get; }

    /// <summary>File offset of vna_flags of the entry <paramref name="version"/> under <paramref name="library"/>.</summary>
    public long FlagsOffset(string library, string version) => _flagOffsets[$"{library}/{version}"];

    /// <summary>The usual shape of libLibTorchSharp.so's needs, with GLIBCXX_3.4.32 (flags given).</summary>
    public static SyntheticElf LikeLibTorchSharp(ushort glibcxx33432Flags = 0) => new(
        new VersionNeed("libm.so.6", ("GLIBC_2.2.5", 0)),
        new VersionNeed("libc.so.6", ("GLIBC_2.34", 0), ("GLIBC_2.2.5", 0)),
        new VersionNeed("libstdc++.so.6", ("GLIBCXX_3.4.30", 0), ("GLIBCXX_3.4.32", glibcxx33432Flags), ("CXXABI_1.3", 0)));

    public static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (var c in Encoding.ASCII.GetBytes(name))
        {
            h = (h << 4) + c;
            var g = h & 0xf0000000;
            if (g != 0)
            {
                h ^= g >> 24;
            }

            h &= ~g;
        }

        return h;
    }

    private static void AddSection(List<byte> file, uint name, uint type, long offset, long size, uint link, uint info)
    {
        Put32(file, name);
        Put32(file, type);
        Put64(file, type == 0 ? 0UL : 2UL); // SHF_ALLOC
        Put64(file, 0); // sh_addr
        Put64(file, (ulong)offset);
        Put64(file, (ulong)size);
        Put32(file, link);
        Put32(file, info);
        Put64(file, type == 0x6ffffffe ? 8UL : 1UL);
        Put64(file, 0); // sh_entsize
    }

    private static void Align(List<byte> file, int alignment)
    {
        while (file.Count % alignment != 0)
        {
            file.Add(0);
        }
    }

    private static void Put16(List<byte> b, ushort v)
    {
        var s = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(s, v);
        b.AddRange(s);
    }

    private static void Put32(List<byte> b, uint v)
    {
        var s = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(s, v);
        b.AddRange(s);
    }

    private static void Put64(List<byte> b, ulong v)
    {
        var s = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(s, v);
        b.AddRange(s);
    }

    private static void Write16(byte[] b, int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);

    private static void Write32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);

    private static void Write64(byte[] b, int at, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at), v);

    private sealed class StringTable
    {
        private readonly List<byte> _bytes = [0];
        private readonly Dictionary<string, uint> _offsets = new(StringComparer.Ordinal);

        public byte[] Bytes => _bytes.ToArray();

        public uint Add(string s)
        {
            if (!_offsets.TryGetValue(s, out var offset))
            {
                offset = (uint)_bytes.Count;
                _offsets[s] = offset;
                _bytes.AddRange(Encoding.ASCII.GetBytes(s));
                _bytes.Add(0);
            }

            return offset;
        }

        public uint Offset(string s) => _offsets[s];
    }
}
