using DigitForge.Data.Idx;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Stages;

namespace DigitForge.Data.Sources;

/// <summary>Turns the <c>data</c> section into verified images: local paths resolve against the repository root, URLs go through the download cache.</summary>
public sealed class SourceResolver(string root, DownloadCache downloads)
{
    /// <summary>Local files the source reads, by name, for the fingerprint (URLs are covered by their pinned hash in the config).</summary>
    public IReadOnlyDictionary<string, string> LocalInputs(DataConfig config)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (config.Idx is { } idx)
        {
            foreach (var (name, reference) in Named(idx))
            {
                if (reference.Path is not null)
                {
                    files[name] = Local(reference.Path);
                }
            }
        }
        else if (config.Folder is { } folder)
        {
            foreach (var (prefix, path) in new[] { ("folder", folder.Path!), ("testFolder", folder.TestPath) })
            {
                if (path is not null && Directory.Exists(Local(path)))
                {
                    foreach (var file in ImageFolderSource.Files(Local(path)))
                    {
                        files[$"{prefix}/{Path.GetRelativePath(Local(path), file).Replace('\\', '/')}"] = file;
                    }
                }
            }
        }

        return files;
    }

    /// <summary>All labelled images, and the official test set when the source has one.</summary>
    public (LabelledImages All, LabelledImages? Test) Load(DataConfig config, IStageLog log)
    {
        if (config.Idx is { } idx)
        {
            var all = IdxFile.Load(Fetch(idx.Images!, log), Fetch(idx.Labels!, log));
            var test = idx.TestImages is null ? null : IdxFile.Load(Fetch(idx.TestImages, log), Fetch(idx.TestLabels!, log));
            return (all, test);
        }

        var folder = config.Folder!;
        return (
            ImageFolderSource.Load(Local(folder.Path!), folder.ImageSize),
            folder.TestPath is null ? null : ImageFolderSource.Load(Local(folder.TestPath), folder.ImageSize));
    }

    /// <summary>A local file whose content has the pinned hash (when one is given).</summary>
    public string Fetch(FileReference reference, IStageLog log)
    {
        if (reference.Url is not null)
        {
            return downloads.Get(new Uri(reference.Url), reference.Sha256!, log);
        }

        var path = Local(reference.Path!);
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, "file not found");
        }

        if (reference.Sha256 is not null && ContentHash.OfFile(path) is var actual && actual != reference.Sha256)
        {
            throw new DataFormatException(path, $"SHA-256 mismatch: expected {reference.Sha256}, got {actual}");
        }

        return path;
    }

    private string Local(string path) => Path.GetFullPath(path, root);

    private static IEnumerable<(string Name, FileReference Reference)> Named(IdxSourceConfig idx) =>
        new[] { ("images", idx.Images), ("labels", idx.Labels), ("testImages", idx.TestImages), ("testLabels", idx.TestLabels) }
            .Where(x => x.Item2 is not null)
            .Select(x => (x.Item1, x.Item2!));
}
