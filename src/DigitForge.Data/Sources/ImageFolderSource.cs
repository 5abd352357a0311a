using DigitForge.Data.Idx;
using StbImageSharp;

namespace DigitForge.Data.Sources;

/// <summary>Images in sub-folders named by their label ("0" ... "9"), decoded to grey.</summary>
public static class ImageFolderSource
{
    /// <summary>
    /// Image files in a stable order on every platform: ordinal by relative path with '/' separators,
    /// which sorts by label folder first. Hidden files and folders (starting with '.') are skipped.
    /// </summary>
    public static IEnumerable<string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(file => (File: file, Relative: RelativePath(root, file)))
            .Where(x => !x.Relative.Split('/').Any(part => part.StartsWith('.')))
            .OrderBy(x => x.Relative, StringComparer.Ordinal)
            .Select(x => x.File);

    /// <summary>Every image under <paramref name="root"/>, labelled by its folder; each must be <paramref name="size"/> x <paramref name="size"/>.</summary>
    public static LabelledImages Load(string root, int size)
    {
        if (!Directory.Exists(root))
        {
            throw new DataFormatException(root, "image folder not found");
        }

        RejectForeignFolders(root);
        var pixels = new List<byte>();
        var labels = new List<byte>();
        foreach (var file in Files(root))
        {
            var parts = RelativePath(root, file).Split('/');
            if (parts.Length == 1 || !IsLabel(parts[0]))
            {
                throw new DataFormatException(file, $"expected to be inside a label folder named 0-9 under {root}");
            }

            var image = Decode(file);
            if (image.Width != size || image.Height != size)
            {
                throw new DataFormatException(file, $"image is {image.Width}x{image.Height}, expected {size}x{size}");
            }

            pixels.AddRange(image.Data);
            labels.Add((byte)(parts[0][0] - '0'));
        }

        if (labels.Count == 0)
        {
            throw new DataFormatException(root, "no images found");
        }

        return new LabelledImages([.. pixels], [.. labels], size, size);
    }

    // An empty "cats" folder is as much a mistake as a full one, so folders are checked, not just files.
    private static void RejectForeignFolders(string root)
    {
        var foreign = Directory.EnumerateDirectories(root)
            .Select(Path.GetFileName)
            .Where(name => !name!.StartsWith('.') && !IsLabel(name))
            .Order(StringComparer.Ordinal)
            .FirstOrDefault();
        if (foreign is not null)
        {
            throw new DataFormatException(Path.Combine(root, foreign), "sub-folder is not a label; expected only folders named 0-9");
        }
    }

    private static ImageResult Decode(string file)
    {
        try
        {
            using var stream = File.OpenRead(file);
            return ImageResult.FromStream(stream, ColorComponents.Grey);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The decoder is a C port: a damaged file can fail with almost any exception type.
            throw new DataFormatException(file, $"not a readable image ({ex.Message})");
        }
    }

    private static bool IsLabel(string? name) => name is { Length: 1 } && name[0] is >= '0' and <= '9';

    private static string RelativePath(string root, string file) => Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
}
