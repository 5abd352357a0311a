namespace DigitForge.Scoring.Listing;

/// <summary>
/// Which listed files a run scores: those whose extension says image (the formats the tool reads
/// and the other common image formats, which then get an error row saying what they are not), unless
/// every file is asked for. What else sits in users' folders (labels.csv, README, Thumbs.db, hidden
/// files such as .DS_Store) is skipped and counted instead of filling the output with error rows.
/// </summary>
public static class ImageFileNames
{
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".bmp", ".dib", ".gif",
        ".tif", ".tiff", ".webp", ".heic", ".heif", ".avif", ".jp2", ".ico", ".pbm", ".pgm", ".ppm", ".pnm",
    };

    // Looked up by span: a name is checked for every listed file, without a string for its extension.
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> ImageExtensionsBySpan = ImageExtensions.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool IsHidden(ReadOnlySpan<char> fileName) => fileName.StartsWith('.');

    public static bool HasImageExtension(ReadOnlySpan<char> fileName) => ImageExtensionsBySpan.Contains(Path.GetExtension(fileName));

    /// <summary>Hidden files never; with <paramref name="allFiles"/> every other file; otherwise files named as images.</summary>
    public static bool IsScored(ReadOnlySpan<char> fileName, bool allFiles) =>
        !IsHidden(fileName) && (allFiles || HasImageExtension(fileName));
}
