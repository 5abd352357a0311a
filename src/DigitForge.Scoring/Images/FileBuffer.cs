using Microsoft.Win32.SafeHandles;

namespace DigitForge.Scoring.Images;

/// <summary>Reads whole files into one buffer reused from file to file (one instance per worker).</summary>
/// <remarks>
/// On Linux a file is read with three system calls (open, pread into the whole buffer, close) instead of
/// .NET's seven (an lseek or fstat for the size, a second fstat and an advisory lock taken and released);
/// only a file that fills the buffer also needs its size. For a small image, reading is mostly system
/// calls, and this took half the CPU per file (docs/int8.md). Anything
/// unexpected (a failure, an over-size file, a directory) is left to the .NET path, which reports it in
/// its own words, so error rows do not change.
/// </remarks>
public sealed class FileBuffer
{
    // A buffer grown past this for one big file is dropped afterwards rather than kept for the run.
    private const int RetainedBytes = 4 << 20;

    // Set once a C library without these calls (an unusual libc) has been met: .NET's path from then on.
    private static volatile bool nativeUnavailable;

    private byte[] data = new byte[64 << 10];

    public byte[] Data => data;

    public int Length { get; private set; }

    /// <summary>Loads <paramref name="path"/>; a file over <paramref name="maxBytes"/> or one that cannot
    /// be read is an <see cref="UnreadableImageException"/> naming the reason.</summary>
    public void Load(string path, long maxBytes)
    {
        if (data.Length > RetainedBytes)
        {
            data = new byte[64 << 10];
        }

        if (OperatingSystem.IsLinux() && !nativeUnavailable && TryLoadNative(path, maxBytes))
        {
            return;
        }

        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            var size = RandomAccess.GetLength(handle);
            if (size > maxBytes)
            {
                throw new UnreadableImageException($"file is {size:N0} bytes, over the limit of {maxBytes:N0}");
            }

            if (data.Length < size)
            {
                data = new byte[size];
            }

            var read = 0;
            while (read < size)
            {
                var n = RandomAccess.Read(handle, data.AsSpan(read, (int)size - read), read);
                if (n == 0)
                {
                    break; // the file shrank while being read; the header check reports what is missing
                }

                read += n;
            }

            Length = read;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UnreadableImageException($"cannot read the file: {ex.Message}", ex);
        }
    }

    public ReadOnlySpan<byte> Content => data.AsSpan(0, Length);

    private bool TryLoadNative(string path, long maxBytes)
    {
        int fd;
        try
        {
            fd = Libc.Open(path, Libc.ReadOnlyCloseOnExec);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            nativeUnavailable = true;
            return false;
        }

        if (fd < 0)
        {
            return false;
        }

        try
        {
            // One read into the whole buffer instead of asking for the size first (one system call less, 1.3 us
            // of 8 per file): a regular file gives all it has up to the buffer's end, so a shorter read is the
            // whole file. Only a file that fills the buffer needs its size.
            var limit = maxBytes < data.Length ? (int)maxBytes + 1 : data.Length;
            var n = Libc.ReadAt(fd, ref data[0], limit, 0);
            if (n < 0)
            {
                return false;
            }

            if (n < limit)
            {
                Length = (int)n;
                return true;
            }

            var size = Libc.Seek(fd, 0, Libc.SeekEnd);
            if (size < 0 || size > maxBytes || size > Array.MaxLength)
            {
                return false;
            }

            if (data.Length < size)
            {
                Array.Resize(ref data, (int)size);
            }

            var read = (int)n;
            while (read < size)
            {
                n = Libc.ReadAt(fd, ref data[read], (nint)(size - read), read);
                if (n < 0)
                {
                    return false;
                }

                if (n == 0)
                {
                    break; // shrank while being read, as on the .NET path
                }

                read += (int)n;
            }

            Length = read;
            return true;
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }
}
