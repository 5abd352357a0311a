using System.IO.Compression;
using DigitForge.Engine.Storage;

namespace DigitForge.HackerNews.Stories;

/// <summary>Opens story files, gunzipping those that are gzipped whatever their name.</summary>
internal static class StoryStreams
{
    public static Stream OpenRead(string path)
    {
        var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[2];
        var gzipped = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        return gzipped ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>Writes through <see cref="AtomicFile"/>, so a crash never leaves half a file under the
    /// real name; gzipped when the name ends in .gz.</summary>
    public static void WriteAtomically(string path, Action<Stream> write) => AtomicFile.Write(path, file =>
    {
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            write(file);
            return;
        }

        // Disposed before AtomicFile flushes the file, so the gzip trailer is in it.
        using var gzip = new GZipStream(file, CompressionLevel.SmallestSize, leaveOpen: true);
        write(gzip);
    });
}
