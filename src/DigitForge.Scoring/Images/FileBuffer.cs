using Microsoft.Win32.SafeHandles;

namespace DigitForge.Scoring.Images;

/// <summary>Reads whole files into one buffer reused from file to file (one instance per worker).</summary>
public sealed class FileBuffer
{
    // A buffer grown past this for one big file is dropped afterwards rather than kept for the run.
    private const int RetainedBytes = 4 << 20;

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
}
