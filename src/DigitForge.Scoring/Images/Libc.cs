using System.Runtime.InteropServices;

namespace DigitForge.Scoring.Images;

/// <summary>The C library calls the Linux file readers make directly (<see cref="FileBuffer"/>, <see cref="IoUringFileReader"/>).</summary>
internal static partial class Libc
{
    public const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC
    public const int SeekEnd = 2;

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "lseek")]
    public static partial long Seek(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "pread")]
    public static partial nint ReadAt(int fd, ref byte buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    public static partial long Syscall(long number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    [LibraryImport("libc", EntryPoint = "mmap")]
    public static partial nint Map(nint address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    public static partial int Unmap(nint address, nuint length);
}
