using DigitForge.Data.Idx;
using StbImageSharp;

namespace DigitForge.Data.Sources;

/// <summary>Images in sub-folders named by their label ("0" ... "9"), decoded to grey.</summary>
public static class ImageFolderSource
{
    /// <summary>Image files in a stable order: by label folder, then ordinal relative path; hidden files skipped.</summary>
    public static IEnumerable<string> Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(root, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
            .Order(StringComparer.Ordinal);

    public static LabelledImages Load(string root, int size)
    {
        if (!Directory.Exists(root))
        {
            throw new DataFormatException(root, "image folder not found");
        }

        var pixels = new List<byte>();
        var labels = new List<byte>();
        foreach (var file in Files(root))
        {
            var folder = Path.GetRelativePath(root, file).Split(Path.DirectorySeparatorChar)[0];
            if (folder.Length != 1 || folder[0] is < '0' or > '9' || folder == Path.GetFileName(file))
            {
                throw new DataFormatException(file, $"expected to be inside a label folder named 0-9 under {root}");
            }

            ImageResult image;
            try
            {
                using var stream = File.OpenRead(file);
                image = ImageResult.FromStream(stream, ColorComponents.Grey);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException or IOException)
            {
                throw new DataFormatException(file, $"not a readable image ({ex.Message})");
            }

            if (image.Width != size || image.Height != size)
            {
                throw new DataFormatException(file, $"image is {image.Width}x{image.Height}, expected {size}x{size}");
            }

            pixels.AddRange(image.Data);
            labels.Add((byte)(folder[0] - '0'));
        }

        if (labels.Count == 0)
        {
            throw new DataFormatException(root, "no images found");
        }

        return new LabelledImages([.. pixels], [.. labels], size, size);
    }
}
