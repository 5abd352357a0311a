// DigitForge build step: make TorchSharp's native glue library loadable on hosts whose libstdc++
// predates GCC 13 (e.g. Debian 12).
//
// libLibTorchSharp.so (TorchSharp 0.107.0) was linked with GCC 13+ and records a version need for
// GLIBCXX_3.4.32 on libstdc++.so.6, only because of the link-time anchor _ZSt21ios_base_library_initv;
// no symbol is ever bound to that version. Setting VER_FLG_WEAK on that one Vernaux entry turns the
// loader's fatal "version `GLIBCXX_3.4.32' not found" into a warning and the library loads.
//
// This one file is used twice:
//  * build/msbuild/DigitForge.LibTorchSharpPatch.targets compiles it with RoslynCodeTaskFactory
//    (Type="Class"), which allows exactly one <Code> element. That compilation targets the
//    netstandard2.0 surface, so this file must not use Span, BinaryPrimitives, File.Move(,,bool), ...
//  * tests/DigitForge.Build.Tests links it and defines DIGITFORGE_NO_MSBUILD, which leaves out the
//    thin MSBuild task wrapper at the bottom (the only part that needs Microsoft.Build.*).

#nullable enable

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace DigitForge.Build.NativePatches
{
    /// <summary>A file that is not a well-formed ELF64 little-endian object, or whose version
    /// tables cannot be walked safely. The message names the file and what is wrong.</summary>
    public sealed class ElfFormatException : Exception
    {
        public ElfFormatException(string message) : base(message) { }
    }

    /// <summary>One Vernaux entry of a SHT_GNU_verneed section.</summary>
    public sealed class VernauxEntry
    {
        public VernauxEntry(string library, string version, ushort flags, long flagsOffset)
        {
            Library = library;
            Version = version;
            Flags = flags;
            FlagsOffset = flagsOffset;
        }

        /// <summary>vn_file of the owning Verneed, e.g. "libstdc++.so.6".</summary>
        public string Library { get; }

        /// <summary>vna_name, e.g. "GLIBCXX_3.4.32".</summary>
        public string Version { get; }

        /// <summary>vna_flags.</summary>
        public ushort Flags { get; }

        /// <summary>Absolute file offset of the two-byte vna_flags field.</summary>
        public long FlagsOffset { get; }

        public bool IsWeak => (Flags & ElfVersionNeeds.VerFlagWeak) != 0;
    }

    public enum WeakenOutcome
    {
        /// <summary>The entry was found without VER_FLG_WEAK; the file was rewritten with it set.</summary>
        Patched,

        /// <summary>Every matching entry already has VER_FLG_WEAK; the file was not touched.</summary>
        AlreadyWeak,

        /// <summary>The library does not need the version at all; the file was not touched.</summary>
        NotRequired,
    }

    /// <summary>Reads and edits the GNU version-needs table (.gnu.version_r) of ELF64 LE files.</summary>
    public static class ElfVersionNeeds
    {
        public const uint ShtStrtab = 3;
        public const uint ShtGnuVerneed = 0x6ffffffe;
        public const ushort VerFlagWeak = 0x2;

        private const int ElfHeaderSize = 64;
        private const int SectionHeaderSize = 64;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;
        private const string TempSuffix = ".digitforge-tmp";

        /// <summary>All Vernaux entries of all SHT_GNU_verneed sections of the file.</summary>
        public static List<VernauxEntry> ReadVersionNeeds(string path)
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                return ReadVersionNeeds(stream, path);
            }
        }

        /// <summary>All Vernaux entries of all SHT_GNU_verneed sections; reads only the headers, the
        /// section header table, the version-needs section and the names it refers to.</summary>
        public static List<VernauxEntry> ReadVersionNeeds(Stream elf, string displayName)
        {
            var reader = new Reader(elf, displayName);
            long length = elf.Length;
            if (length < 4 || !HasElfMagic(reader.Read(0, 4, "ELF identification")))
            {
                throw new ElfFormatException($"{displayName}: not an ELF file (no \\x7FELF magic at offset 0).");
            }

            byte[] header = reader.Read(0, ElfHeaderSize, "ELF header");
            if (header[4] != 2)
            {
                throw new ElfFormatException($"{displayName}: not a 64-bit ELF file (EI_CLASS={header[4]}, expected 2).");
            }

            if (header[5] != 1)
            {
                throw new ElfFormatException($"{displayName}: not a little-endian ELF file (EI_DATA={header[5]}, expected 1).");
            }

            ulong shoff = U64(header, 0x28);
            ushort shentsize = U16(header, 0x3A);
            ulong shnum = U16(header, 0x3C);
            if (shoff == 0)
            {
                throw new ElfFormatException($"{displayName}: has no section header table, so its version-needs section cannot be located.");
            }

            if (shentsize < SectionHeaderSize)
            {
                throw new ElfFormatException($"{displayName}: section header entry size {shentsize} is smaller than {SectionHeaderSize}.");
            }

            if (shnum == 0)
            {
                // Extended numbering: the real count is sh_size of section 0.
                shnum = U64(reader.Read(shoff, SectionHeaderSize, "section header 0"), 0x20);
            }

            if (shnum > 65536)
            {
                throw new ElfFormatException($"{displayName}: implausible section count {shnum}.");
            }

            byte[] table = reader.Read(shoff, checked(shnum * shentsize), "section header table");
            var sections = new Section[shnum];
            for (ulong i = 0; i < shnum; i++)
            {
                int at = checked((int)(i * shentsize));
                sections[i] = new Section(
                    type: U32(table, at + 0x04),
                    offset: U64(table, at + 0x18),
                    size: U64(table, at + 0x20),
                    link: U32(table, at + 0x28),
                    info: U32(table, at + 0x2C));
            }

            var entries = new List<VernauxEntry>();
            for (ulong i = 0; i < shnum; i++)
            {
                if (sections[i].Type == ShtGnuVerneed)
                {
                    ReadVerneedSection(reader, sections, i, entries);
                }
            }

            return entries;
        }

        /// <summary>
        /// Sets VER_FLG_WEAK on the Vernaux entry <paramref name="version"/> under the Verneed for
        /// <paramref name="library"/>. Idempotent; reads only unless a change is needed. A change is
        /// written to a temporary file in the same folder which is then renamed over
        /// <paramref name="path"/>: the original inode (which may be a hard link into the NuGet cache,
        /// or the target of a symlink) is never opened for writing, and an interrupted run leaves
        /// either the old or the new file, never a partial one. Mode bits and the last-write time
        /// are kept, so MSBuild's incremental copy still sees the file as up to date.
        /// </summary>
        public static WeakenOutcome MakeVersionNeedWeak(string path, string library, string version)
        {
            path = Path.GetFullPath(path);
            List<VernauxEntry> matches = Matching(ReadVersionNeeds(path), library, version);
            if (matches.Count == 0)
            {
                return WeakenOutcome.NotRequired;
            }

            if (matches.TrueForAll(m => m.IsWeak))
            {
                return WeakenOutcome.AlreadyWeak;
            }

            string directory = Path.GetDirectoryName(path) ?? ".";
            string name = Path.GetFileName(path);
            DeleteAbandonedTempFiles(directory, name);
            int pid;
            using (Process self = Process.GetCurrentProcess())
            {
                pid = self.Id;
            }

            string temp = Path.Combine(directory, $".{name}.{pid}.{Guid.NewGuid():N}{TempSuffix}");
            try
            {
                // A new inode with the same bytes, mode bits and times (follows a symlink).
                File.Copy(path, temp);
                DateTime lastWrite = File.GetLastWriteTimeUtc(temp);
                FileAttributes attributes = File.GetAttributes(temp);
                if ((attributes & FileAttributes.ReadOnly) != 0)
                {
                    File.SetAttributes(temp, attributes & ~FileAttributes.ReadOnly);
                }

                using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    // Re-read the copy itself: the offsets written are those of the bytes in it.
                    List<VernauxEntry> toPatch = Matching(ReadVersionNeeds(stream, path), library, version);
                    if (toPatch.Count == 0)
                    {
                        throw new ElfFormatException($"{path}: changed while being patched (the {version} entry disappeared).");
                    }

                    foreach (VernauxEntry entry in toPatch)
                    {
                        if (!entry.IsWeak)
                        {
                            ushort flags = (ushort)(entry.Flags | VerFlagWeak);
                            stream.Position = entry.FlagsOffset;
                            stream.Write(new[] { (byte)(flags & 0xFF), (byte)(flags >> 8) }, 0, 2);
                        }
                    }

                    stream.Flush(flushToDisk: true);
                    if (!Matching(ReadVersionNeeds(stream, temp), library, version).TrueForAll(m => m.IsWeak))
                    {
                        throw new ElfFormatException($"{path}: the {version} entry is still not weak after patching.");
                    }
                }

                if ((attributes & FileAttributes.ReadOnly) != 0)
                {
                    File.SetAttributes(temp, attributes);
                }

                File.SetLastWriteTimeUtc(temp, lastWrite);
                File.Replace(temp, path, null); // rename(2): atomic, replaces the link itself
                return WeakenOutcome.Patched;
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }

        private static List<VernauxEntry> Matching(List<VernauxEntry> entries, string library, string version)
        {
            return entries.FindAll(e => string.Equals(e.Version, version, StringComparison.Ordinal)
                                        && string.Equals(e.Library, library, StringComparison.Ordinal));
        }

        private static void ReadVerneedSection(Reader reader, Section[] sections, ulong index, List<VernauxEntry> entries)
        {
            string where = $"version-needs section [{index}]";
            Section verneed = sections[index];
            if (verneed.Link >= (ulong)sections.Length || sections[verneed.Link].Type != ShtStrtab)
            {
                throw new ElfFormatException($"{reader.Name}: {where} links to section {verneed.Link}, which is not a string table.");
            }

            Section strings = sections[verneed.Link];
            if (verneed.Size > 1 << 24)
            {
                throw new ElfFormatException($"{reader.Name}: {where} has an implausible size {verneed.Size}.");
            }

            byte[] data = reader.Read(verneed.Offset, verneed.Size, where);
            reader.CheckRange(strings.Offset, strings.Size, $"string table [{verneed.Link}]");

            // sh_info is the number of Verneed entries; if a linker left it 0, follow vn_next alone.
            ulong maxEntries = (ulong)data.Length / VerneedSize;
            ulong expected = verneed.Info;
            if (expected > maxEntries)
            {
                throw new ElfFormatException($"{reader.Name}: {where} claims {expected} entries but only has room for {maxEntries}.");
            }

            ulong limit = expected != 0 ? expected : maxEntries;
            ulong at = 0;
            for (ulong n = 0; ; n++)
            {
                if (n >= limit)
                {
                    throw new ElfFormatException($"{reader.Name}: {where}: the Verneed chain does not end within {limit} entries.");
                }

                RequireInside(reader, where, at, VerneedSize, data.Length, "Verneed");
                int vn = (int)at;
                ushort vnVersion = U16(data, vn);
                ushort vnCount = U16(data, vn + 2);
                uint vnFile = U32(data, vn + 4);
                uint vnAux = U32(data, vn + 8);
                uint vnNext = U32(data, vn + 12);
                if (vnVersion != 1)
                {
                    throw new ElfFormatException($"{reader.Name}: {where}: Verneed at 0x{at:x} has vn_version {vnVersion}, expected 1.");
                }

                string library = reader.ReadString(strings, vnFile, where);
                ulong aux = at + vnAux;
                for (int k = 0; k < vnCount; k++)
                {
                    RequireInside(reader, where, aux, VernauxSize, data.Length, "Vernaux");
                    int va = (int)aux;
                    ushort flags = U16(data, va + 4);
                    uint vnaName = U32(data, va + 8);
                    uint vnaNext = U32(data, va + 12);
                    entries.Add(new VernauxEntry(library, reader.ReadString(strings, vnaName, where), flags,
                        checked((long)verneed.Offset + va + 4)));
                    if (vnaNext == 0 && k + 1 < vnCount)
                    {
                        throw new ElfFormatException($"{reader.Name}: {where}: the Vernaux chain of {library} ends after {k + 1} of {vnCount} entries.");
                    }

                    aux += vnaNext;
                }

                if (vnNext == 0)
                {
                    if (expected != 0 && n + 1 != expected)
                    {
                        throw new ElfFormatException($"{reader.Name}: {where}: the Verneed chain ends after {n + 1} of {expected} entries.");
                    }

                    return;
                }

                at += vnNext;
            }
        }

        private static void RequireInside(Reader reader, string where, ulong at, int size, int length, string what)
        {
            if (at > (ulong)length || (ulong)length - at < (ulong)size)
            {
                throw new ElfFormatException($"{reader.Name}: {where}: a {what} entry at 0x{at:x} lies outside the section ({length} bytes).");
            }
        }

        private static void DeleteAbandonedTempFiles(string directory, string name)
        {
            // Left behind only if a build was killed between the copy and the rename. Another
            // process may be patching right now, so only files of processes that are gone go.
            string[] leftovers;
            try
            {
                leftovers = Directory.GetFiles(directory, $".{name}.*{TempSuffix}");
            }
            catch (IOException)
            {
                return;
            }

            foreach (string leftover in leftovers)
            {
                string middle = Path.GetFileName(leftover).Substring(name.Length + 2);
                int dot = middle.IndexOf('.');
                if (dot > 0 && int.TryParse(middle.Substring(0, dot), out int pid) && !IsRunning(pid))
                {
                    TryDelete(leftover);
                }
            }
        }

        private static bool IsRunning(int pid)
        {
            try
            {
                using (Process.GetProcessById(pid))
                {
                    return true;
                }
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        private static void TryDelete(string path)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        internal static bool HasElfMagic(byte[] b) => b.Length >= 4 && b[0] == 0x7F && b[1] == (byte)'E' && b[2] == (byte)'L' && b[3] == (byte)'F';

        private static ushort U16(byte[] b, int at) => (ushort)(b[at] | (b[at + 1] << 8));

        private static uint U32(byte[] b, int at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

        private static ulong U64(byte[] b, int at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);

        private struct Section
        {
            public Section(uint type, ulong offset, ulong size, uint link, uint info)
            {
                Type = type;
                Offset = offset;
                Size = size;
                Link = link;
                Info = info;
            }

            public uint Type { get; }

            public ulong Offset { get; }

            public ulong Size { get; }

            public uint Link { get; }

            public uint Info { get; }
        }

        /// <summary>Bounds-checked random access to the file.</summary>
        private sealed class Reader
        {
            private readonly Stream _stream;
            private readonly long _length;

            public Reader(Stream stream, string name)
            {
                _stream = stream;
                _length = stream.Length;
                Name = name;
            }

            public string Name { get; }

            public void CheckRange(ulong offset, ulong count, string what)
            {
                if (offset > (ulong)_length || (ulong)_length - offset < count)
                {
                    throw new ElfFormatException(
                        $"{Name}: truncated or corrupt: the {what} (bytes 0x{offset:x}..0x{offset + count:x}) lies beyond the end of the file ({_length} bytes).");
                }
            }

            public byte[] Read(ulong offset, ulong count, string what)
            {
                CheckRange(offset, count, what);
                var buffer = new byte[count];
                _stream.Position = (long)offset;
                int done = 0;
                while (done < buffer.Length)
                {
                    int read = _stream.Read(buffer, done, buffer.Length - done);
                    if (read <= 0)
                    {
                        throw new ElfFormatException($"{Name}: truncated: could not read the {what}.");
                    }

                    done += read;
                }

                return buffer;
            }

            /// <summary>A NUL-terminated name at <paramref name="index"/> of a string table section.</summary>
            public string ReadString(Section table, uint index, string where)
            {
                if (index >= table.Size)
                {
                    throw new ElfFormatException($"{Name}: {where}: name offset {index} is outside its string table ({table.Size} bytes).");
                }

                var bytes = new List<byte>(32);
                ulong at = table.Offset + index;
                ulong end = table.Offset + table.Size;
                while (at < end)
                {
                    int chunk = (int)Math.Min(64UL, end - at);
                    byte[] part = Read(at, (ulong)chunk, "string table");
                    int nul = Array.IndexOf(part, (byte)0);
                    if (nul >= 0)
                    {
                        for (int i = 0; i < nul; i++)
                        {
                            bytes.Add(part[i]);
                        }

                        return Encoding.UTF8.GetString(bytes.ToArray());
                    }

                    bytes.AddRange(part);
                    if (bytes.Count > 4096)
                    {
                        break;
                    }

                    at += (ulong)chunk;
                }

                throw new ElfFormatException($"{Name}: {where}: the name at string table offset {index} is not NUL-terminated.");
            }
        }
    }

    /// <summary>Finds the system libstdc++.so.6 and tells whether it provides a symbol version.</summary>
    public static class LibStdCxxProbe
    {
        public const string LibraryName = "libstdc++.so.6";

        public static readonly string[] SearchDirectories =
        {
            "/lib/x86_64-linux-gnu",
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib64",
            "/lib64",
            "/usr/lib",
        };

        /// <summary>The first 64-bit libstdc++.so.6 in <see cref="SearchDirectories"/>, else the one
        /// <c>ldconfig -p</c> lists; null if there is none.</summary>
        public static string? Locate()
        {
            foreach (string directory in SearchDirectories)
            {
                string candidate = Path.Combine(directory, LibraryName);
                if (IsElf64(candidate))
                {
                    return candidate;
                }
            }

            string? listed = ParseLdconfigOutput(RunLdconfig());
            return listed != null && IsElf64(listed) ? listed : null;
        }

        /// <summary>The x86-64 libstdc++.so.6 from <c>ldconfig -p</c> output, else the first one listed.</summary>
        public static string? ParseLdconfigOutput(string? output)
        {
            if (string.IsNullOrEmpty(output))
            {
                return null;
            }

            string? first = null;
            foreach (string raw in output!.Split('\n'))
            {
                // "\tlibstdc++.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libstdc++.so.6"
                string line = raw.Trim();
                int arrow = line.IndexOf("=>", StringComparison.Ordinal);
                if (!line.StartsWith(LibraryName + " ", StringComparison.Ordinal) || arrow < 0)
                {
                    continue;
                }

                string path = line.Substring(arrow + 2).Trim();
                if (line.Substring(0, arrow).IndexOf("x86-64", StringComparison.Ordinal) >= 0)
                {
                    return path;
                }

                first = first ?? path;
            }

            return first;
        }

        /// <summary>True if the file contains the NUL-terminated version name (as .dynstr stores it),
        /// e.g. "GLIBCXX_3.4.32\0"; "GLIBCXX_3.4.3" does not match inside "GLIBCXX_3.4.32".</summary>
        public static bool ProvidesVersion(string libstdcxxPath, string version)
        {
            byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
            byte[] haystack = File.ReadAllBytes(libstdcxxPath);
            int last = haystack.Length - needle.Length;
            for (int i = Array.IndexOf(haystack, needle[0]); i >= 0 && i <= last; i = Array.IndexOf(haystack, needle[0], i + 1))
            {
                int k = 1;
                while (k < needle.Length && haystack[i + k] == needle[k])
                {
                    k++;
                }

                if (k == needle.Length)
                {
                    return true;
                }
            }

            return false;
        }

        private static bool IsElf64(string path)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                {
                    var ident = new byte[5];
                    int done = 0;
                    while (done < ident.Length)
                    {
                        int read = stream.Read(ident, done, ident.Length - done);
                        if (read <= 0)
                        {
                            return false;
                        }

                        done += read;
                    }

                    return ElfVersionNeeds.HasElfMagic(ident) && ident[4] == 2;
                }
            }
            catch (IOException)
            {
                return false;
            }
            catch (UnauthorizedAccessException)
            {
                return false;
            }
        }

        private static string? RunLdconfig()
        {
            foreach (string ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig" })
            {
                if (ldconfig.StartsWith("/", StringComparison.Ordinal) && !File.Exists(ldconfig))
                {
                    continue;
                }

                try
                {
                    var start = new ProcessStartInfo(ldconfig, "-p")
                    {
                        RedirectStandardOutput = true,
                        RedirectStandardError = true,
                        UseShellExecute = false,
                        CreateNoWindow = true,
                    };
                    using (Process? process = Process.Start(start))
                    {
                        if (process == null)
                        {
                            continue;
                        }

                        process.ErrorDataReceived += (_, _) => { };
                        process.BeginErrorReadLine();
                        string output = process.StandardOutput.ReadToEnd();
                        process.WaitForExit();
                        return output;
                    }
                }
                catch (System.ComponentModel.Win32Exception)
                {
                    // not installed under this name
                }
            }

            return null;
        }
    }

    /// <summary>What the build step does for a set of output files; the MSBuild task below and the
    /// tests both call this.</summary>
    public static class LibTorchSharpPatch
    {
        public const string Library = LibStdCxxProbe.LibraryName;
        public const string Version = "GLIBCXX_3.4.32";

        public enum Importance
        {
            Low,
            Normal,
            High,
        }

        /// <summary>Patches each file unless the host's libstdc++ already provides
        /// <see cref="Version"/>. <paramref name="libstdcxxPath"/> overrides host detection.
        /// Throws <see cref="ElfFormatException"/> or IO exceptions for a file it cannot handle.</summary>
        public static List<string> Run(IEnumerable<string> files, string? libstdcxxPath, Action<Importance, string> log)
        {
            var patched = new List<string>();
            string? host = string.IsNullOrEmpty(libstdcxxPath) ? LibStdCxxProbe.Locate() : libstdcxxPath;
            if (host == null)
            {
                log(Importance.Normal, $"DigitForge: no system {Library} found; libLibTorchSharp.so left as it is.");
                return patched;
            }

            if (LibStdCxxProbe.ProvidesVersion(host, Version))
            {
                log(Importance.Low, $"DigitForge: {host} provides {Version}; libLibTorchSharp.so needs no patch.");
                return patched;
            }

            foreach (string file in files)
            {
                switch (ElfVersionNeeds.MakeVersionNeedWeak(file, Library, Version))
                {
                    case WeakenOutcome.Patched:
                        patched.Add(file);
                        log(Importance.High, $"DigitForge: marked the {Version} need weak in {file} ({host} lacks it; see docs/troubleshooting.md, TorchSharp on Debian 12).");
                        break;
                    case WeakenOutcome.AlreadyWeak:
                        log(Importance.Low, $"DigitForge: {file} already has its {Version} need marked weak.");
                        break;
                    default:
                        log(Importance.Low, $"DigitForge: {file} does not need {Version}; left as it is.");
                        break;
                }
            }

            return patched;
        }
    }

#if !DIGITFORGE_NO_MSBUILD
    /// <summary>MSBuild wrapper (see DigitForge.LibTorchSharpPatch.targets).</summary>
    public sealed class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>Optional: the libstdc++.so.6 to check instead of the detected system one.</summary>
        public string? LibStdCxxPath { get; set; }

        [Microsoft.Build.Framework.Output]
        public Microsoft.Build.Framework.ITaskItem[] PatchedFiles { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        public override bool Execute()
        {
            var paths = new List<string>();
            foreach (Microsoft.Build.Framework.ITaskItem item in Files)
            {
                paths.Add(item.GetMetadata("FullPath"));
            }

            try
            {
                List<string> patched = LibTorchSharpPatch.Run(paths, LibStdCxxPath, (importance, message) =>
                    Log.LogMessage(
                        importance == LibTorchSharpPatch.Importance.High ? Microsoft.Build.Framework.MessageImportance.High
                        : importance == LibTorchSharpPatch.Importance.Normal ? Microsoft.Build.Framework.MessageImportance.Normal
                        : Microsoft.Build.Framework.MessageImportance.Low,
                        message));
                PatchedFiles = patched.ConvertAll(p => (Microsoft.Build.Framework.ITaskItem)new Microsoft.Build.Utilities.TaskItem(p)).ToArray();
            }
            catch (ElfFormatException e)
            {
                Log.LogError(null, "DF0001", null, null, 0, 0, 0, 0,
                    "DigitForge: cannot patch libLibTorchSharp.so for this host's libstdc++: {0} (set DigitForgePatchLibTorchSharp=false to skip this step)", e.Message);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogError(null, "DF0002", null, null, 0, 0, 0, 0,
                    "DigitForge: could not patch libLibTorchSharp.so: {0}: {1} (set DigitForgePatchLibTorchSharp=false to skip this step)", e.GetType().Name, e.Message);
            }

            return !Log.HasLoggedErrors;
        }
    }
#endif
}
