using System.IO.Compression;

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

    /// <summary>Writes through a temporary file moved into place, so a crash never leaves half a file under the real name.</summary>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        var temporary = path + ".tmp";
        using (var file = File.Create(temporary))
        {
            using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new GZipStream(file, CompressionLevel.SmallestSize, leaveOpen: true)
                : (Stream)file;
            write(stream);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
